# syntax=docker/dockerfile:1
# The ILP platform's production image: one image for the web server, the Celery worker and beat
# (see docker-compose.yml). Front-end libraries come from npm at build time and are served from
# static files: no CDN and no outside calls at run time.

# --- 1. npm: install the front-end libraries declared in package.json ---------------------------
FROM node:20-slim AS npm
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

# --- 2. vendor: copy the files the templates use into static/vendor (scripts/vendor_static.py) ---
FROM python:3.11-slim AS vendor
WORKDIR /src
COPY --from=npm /src/node_modules ./node_modules
COPY scripts/vendor_static.py ./scripts/vendor_static.py
RUN python scripts/vendor_static.py

# --- 3. the application -------------------------------------------------------------------------
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=ilp.settings \
    ILP_ENV=production

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin ilp
WORKDIR /app

# Dependencies first, from pyproject.toml alone, so a code change does not reinstall them.
COPY pyproject.toml ./
RUN python -c "import tomllib; \
print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY . .
COPY --from=vendor /src/static/vendor ./static/vendor
# Editable, so the code stays in /app: settings find templates/ and static/ next to the ilp
# package (a plain `pip install .` would put ilp in site-packages without them).
RUN pip install --no-deps -e . \
    && chmod 0755 docker/entrypoint.sh \
    && mkdir -p var/static var/media \
    && chown -R ilp:ilp var

USER ilp
EXPOSE 8000
ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "ilp.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
