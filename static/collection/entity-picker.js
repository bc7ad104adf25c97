/*
 * Entity picker: pick a person, location, vehicle or organisation from search results.
 *
 * Markup contract (see templates/collection/incidents/partials/involvement_row.html):
 *   <div data-entity-picker>
 *     <input type="hidden" name="…" data-picker-value>          the chosen id (submitted)
 *     <input type="search" name="q" data-picker-query
 *            hx-get="/collection/entities/search/?kind=person"
 *            hx-target="next [data-picker-results]">            what the user types
 *     <div data-picker-results></div>                          the fragment lands here
 *   </div>
 * The fragment (collection:entity_search) holds buttons with data-entity-option, data-id and
 * data-label. Picking one fills the hidden input and fires "entity:picked" on the picker.
 * Editing the text again clears the chosen id until a result is picked.
 * A button with data-add-involvement adds a formset row from <template id="involvement-template">.
 */
(function () {
  "use strict";

  function pickerOf(node) {
    return node.closest("[data-entity-picker]");
  }

  document.addEventListener("click", function (event) {
    var option = event.target.closest("[data-entity-option]");
    if (!option) { return; }
    var picker = pickerOf(option);
    if (!picker) { return; }
    picker.querySelector("[data-picker-value]").value = option.dataset.id;
    picker.querySelector("[data-picker-query]").value = option.dataset.label;
    picker.querySelector("[data-picker-results]").replaceChildren();
    picker.dispatchEvent(new CustomEvent("entity:picked", {
      bubbles: true,
      detail: { id: option.dataset.id, label: option.dataset.label, kind: option.dataset.kind }
    }));
  });

  document.addEventListener("input", function (event) {
    var query = event.target.closest("[data-picker-query]");
    var picker = query && pickerOf(query);
    if (picker) { picker.querySelector("[data-picker-value]").value = ""; }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var picker = pickerOf(event.target);
    if (picker) { picker.querySelector("[data-picker-results]").replaceChildren(); }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add-involvement]");
    if (!button) { return; }
    var prefix = button.dataset.prefix;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.getElementById("involvement-template");
    var index = parseInt(total.value, 10);
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.firstElementChild;
    document.getElementById("involvement-rows").appendChild(row);
    total.value = String(index + 1);
    if (window.htmx) { window.htmx.process(row); }
    row.querySelector("[data-picker-query]").focus();
  });
})();
