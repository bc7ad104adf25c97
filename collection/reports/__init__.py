"""Collection: intelligence reports, their sources and the requirements they answer.

Anatomy of this part of the stage:

- ``grading.py``      3x5x2 / 5x5x5 / Admiralty conversion (pure functions, mapping table)
- ``services.py``     every write of reports (create, edit from a version, submit, approve,
                      return, links); ``source_services.py`` sources and requirements;
                      ``entity_services.py`` the small in-place create of linked entities;
                      ``versioning.py`` the optimistic-concurrency UPDATE … WHERE version = n
- ``selectors.py``    reads built on ``collection.selectors`` (track records, requirement
                      summaries, grouped links, dashboard counts); ``reading.py`` audits reads
- ``search.py``       full-text search (ranked on PostgreSQL, substring on SQLite)
- ``filters.py``      FilterSets shared by the pages and the API
- ``forms.py``, ``source_forms.py``                         UI forms (shape only)
- ``views.py``, ``links.py``, ``source_views.py``, ``requirement_views.py``, ``urls.py``  pages
- ``serializers.py``, ``source_serializers.py``, ``api.py``, ``source_api.py``,
  ``requirement_api.py``, ``api_common.py``, ``schema.py``  the API
- ``registry.py``     navigation, dashboard panels and demo data (``demo.py``)
- ``entity_kinds.py`` the four kinds of entity a report can mention
"""
