// The page of `rules serve`: enter a case, see the advice, answer what is missing, read the graph.
//
// Everything is built from what the server says, not from knowledge in this file: the form from the
// case's JSON Schema (/api/schema/zaak), the advice from the decision JSON (fields this page does not
// know are still shown), the questions from `ontbrekende_feiten` with the allowed answers taken from
// the schema at the fact's path. So the page keeps working when the case model or the decision grows.
// What a lawyer reads — names, the order of the instruments, the ranking of the missing facts, the sentences on
// information law — comes from the server's view of the advice (/api/rapport?formaat=advies, render/page.py),
// the same words as the text and the Markdown; ids stay in the decision and in the folded technical parts.
// No framework, no build step, nothing loaded from elsewhere (the server's CSP forbids it anyway).
"use strict";

(() => {
  const STATUSES = [
    ["aanbevolen", "Aanbevolen"],
    ["mogelijk", "Mogelijk"],
    ["onbeslist", "Onbeslist"],
    ["uitgesloten", "Uitgesloten"],
  ];
  const STATUS_WORD = Object.fromEntries(STATUSES);
  const WHY = { aanbevolen: "Waarom aanbevolen?", mogelijk: "Waarom mogelijk?", onbeslist: "Waarom onbeslist?", uitgesloten: "Waarom niet?" };
  const FIELD_LABELS = {
    bevoegd: "Bevoegd gezag",
    grondslag: "Grondslag",
    redenen: "Redenen",
    procedure: "Procedure",
    afwegingspunten: "Afwegingspunten",
    escalatie: "Escalatie",
    ontbrekende_feiten: "Ontbreekt om te beslissen",
    onvervulde_voorwaarden: "Niet vervulde voorwaarden",
    geblokkeerde_feiten: "Niet gebruikt (AVG)",
    regels: "Regels",
    categorie: "Soort maatregel",
    spoor: "Spoor",
    ingrijpendheid: "Ingrijpendheid",
    te_controleren: "Te controleren",
  };
  const FIELD_ORDER = Object.keys(FIELD_LABELS);
  // Parts of the decision this page shows in its own way; every other part is shown as it comes.
  const DECISION_SHOWN = new Set([
    "schema_versie", "zaak_id", "peildatum", "gemeente", "ontvangstbewijs", "aanbevolen",
    "toelichting_aanbeveling", "instrumenten", "ontbrekende_feiten", "graaf", "informatie", "buiten_beschouwing",
  ]);
  const DECISION_TECHNICAL = new Set(["afvuringen", "afgeleide_feiten"]);
  const DECISION_LABELS = {
    informatie: "Informatie en grondslag (AVG)",
    buiten_beschouwing: "Buiten beschouwing gelaten",
    afvuringen: "Afvuringen van regels",
    afgeleide_feiten: "Afgeleide feiten",
  };
  const CARD_SKIP = new Set(["id", "naam", "status"]);

  const state = {
    schema: null, // the case's JSON Schema
    case: {}, // the case being edited: the one source for form, questions and requests
    decision: null,
    part: null, // the ruleset part of the decision's graph: node id -> what every decision shares
    view: null, // the server's words for the decision (render/page.py)
    previous: null, // the decision before the last answer
    undo: null, // the case before the last answer
    answer: null, // {omschrijving, shown}
    graphFor: null, // the decision the graph shows
    scale: 1,
  };

  // -- small helpers ------------------------------------------------------------------------------

  const $ = (selector, root = document) => root.querySelector(selector);
  let counter = 0;
  const uid = (prefix) => `${prefix}-${++counter}`;
  const words = (text) => String(text).replace(/_/g, " ");

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    return add(node, children);
  }

  // Append children given as nodes, text, nested lists or nothing (null, false).
  function add(node, children) {
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : String(child));
    }
    return node;
  }

  function put(node, ...children) {
    node.replaceChildren();
    return add(node, children);
  }

  function pathText(path) {
    return path.map((part, i) => (typeof part === "number" ? `[${part}]` : i ? `.${part}` : part)).join("");
  }

  function parsePath(text) {
    return [...String(text).matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]));
  }

  function getAt(object, path) {
    let current = object;
    for (const part of path) {
      if (current === null || current === undefined) return undefined;
      current = current[part];
    }
    return current;
  }

  // Set a value at a path, creating objects on the way; `undefined` removes it (unknown, not false).
  function setAt(object, path, value) {
    let current = object;
    for (let i = 0; i < path.length - 1; i++) {
      if (current[path[i]] === null || current[path[i]] === undefined) {
        if (value === undefined) return;
        current[path[i]] = typeof path[i + 1] === "number" ? [] : {};
      }
      current = current[path[i]];
    }
    const last = path[path.length - 1];
    if (value !== undefined) current[last] = value;
    else if (Array.isArray(current)) current.splice(last, 1);
    else delete current[last];
  }

  function clone(value) {
    return JSON.parse(JSON.stringify(value));
  }

  // -- talking to the server ------------------------------------------------------------------------

  class ApiError extends Error {}

  function options() {
    const query = {};
    if ($("#peildatum").value) query.peildatum = $("#peildatum").value;
    if ($("#gemeente").value) query.gemeente = $("#gemeente").value;
    return query;
  }

  async function api(path, { body, yaml = false, query = {} } = {}) {
    const url = new URL(path, window.location.origin);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    const init = { method: body === undefined ? "GET" : "POST", headers: {} };
    if (body !== undefined) {
      init.body = body;
      init.headers["Content-Type"] = yaml ? "application/yaml" : "application/json";
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch {
      throw new ApiError("de server is niet bereikbaar");
    }
    if (!response.ok) {
      let message = `HTTP-fout ${response.status}`;
      try {
        message = (await response.json()).fout || message;
      } catch {
        // not JSON: keep the status
      }
      throw new ApiError(message);
    }
    return response;
  }

  // `inForm`: the message is about the case in the form (not about a file that could not be read into it).
  function showError(text, inForm = true) {
    put($("#melding"), el("p", { class: "fout" }, el("strong", { text: "Fout: " }), text));
    if (inForm) markInvalidField(text);
  }

  function clearError() {
    put($("#melding"));
    for (const node of document.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  }

  // "zaak.json: activiteiten[0].type: …" names a field: mark it in the form, so it can be found.
  function markInvalidField(text) {
    const match = /^zaak\.(?:json|yaml)(?::\d+)*: ([^:\s]+):/.exec(text);
    if (!match) return;
    const input = document.querySelector(`[data-pad="${CSS.escape(match[1])}"]`);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      $("#formulier-blok").open = true;
    }
  }

  function busy(text) {
    $("#bezig").textContent = text || "";
    $("#beoordeel").disabled = Boolean(text);
  }

  // -- the schema -------------------------------------------------------------------------------------

  // Follow $ref and unwrap "X or null"; the description of the outermost level wins (the field's own words).
  function resolve(schema) {
    let current = schema || {};
    let description = current.description;
    let nullable = false;
    for (let i = 0; i < 20; i++) {
      if (current.$ref) {
        current = state.schema.$defs[current.$ref.split("/").pop()] || {};
      } else if (current.anyOf || current.oneOf) {
        const options = current.anyOf || current.oneOf;
        const real = options.filter((o) => o.type !== "null");
        nullable = nullable || real.length < options.length;
        if (real.length !== 1) break;
        current = real[0];
      } else if (current.allOf && current.allOf.length === 1) {
        current = current.allOf[0];
      } else {
        break;
      }
      description = description || current.description;
    }
    return { schema: current, description, nullable };
  }

  function kindOf(schema) {
    if (schema.const !== undefined) return "const";
    if (schema.enum) return "enum";
    if (schema.type === "object" || schema.properties) return "object";
    if (schema.type === "array") return "array";
    if (schema.type === "boolean") return "boolean";
    if (schema.type === "integer" || schema.type === "number") return "number";
    if (schema.type === "string" && schema.format === "date") return "date";
    if (schema.type === "string") return "string";
    return "json";
  }

  // The schema of the field at a path of the case (for a question about a missing fact).
  function fieldAt(path) {
    let field = resolve(state.schema);
    for (const part of path) {
      const schema = field.schema;
      if (typeof part === "number") field = resolve(schema.items);
      else if (schema.properties && schema.properties[part]) field = resolve(schema.properties[part]);
      else return null;
    }
    return field;
  }

  // -- the form -----------------------------------------------------------------------------------------

  function renderForm() {
    const root = resolve(state.schema).schema;
    put($("#formulier"), ...objectFields(root, state.case, []));
  }

  function objectFields(schema, value, path) {
    const required = new Set(schema.required || []);
    return Object.entries(schema.properties || {}).map(([name, property]) =>
      fieldFor(name, resolve(property), value ? value[name] : undefined, [...path, name], required.has(name)),
    );
  }

  function hint(description) {
    if (!description) return [null, null];
    const id = uid("uitleg");
    return [id, el("small", { id, class: "hint", text: description })];
  }

  function fieldFor(name, field, value, path, required) {
    const kind = kindOf(field.schema);
    const label = `${words(name)}${required ? " *" : ""}`;
    if (kind === "object") return objectBlock(label, field, value, path, required);
    if (kind === "const") {
      // One possible value (a schema version): filled in, shown, not editable. Filled in even when optional:
      // a case made with this form follows this schema, and an absent version would mean the old one.
      if (value === undefined) setAt(state.case, path, field.schema.const);
      const id = uid("veld");
      const input = el("input", { id, type: "text", value: String(field.schema.const), readonly: true });
      input.dataset.pad = pathText(path);
      return el("div", { class: "veld" }, el("label", { for: id, text: label }), input, hint(field.description)[1]);
    }
    if (kind === "array") return arrayBlock(label, field, value, path);
    const id = uid("veld");
    const [hintId, hintNode] = hint(field.description);
    const input = inputFor(kind, field.schema, value, id, required);
    input.dataset.pad = pathText(path);
    if (hintId) input.setAttribute("aria-describedby", hintId);
    if (required) input.setAttribute("aria-required", "true");
    input.addEventListener("change", () => setAt(state.case, path, readInput(kind, input)));
    return el("div", { class: "veld" }, el("label", { for: id, text: label }), input, hintNode);
  }

  function inputFor(kind, schema, value, id, required) {
    if (kind === "enum" || kind === "boolean") {
      const choices = kind === "boolean" ? [[true, "ja"], [false, "nee"]] : schema.enum.map((v) => [v, words(v)]);
      const select = el("select", { id }, el("option", { value: "", text: required ? "— kies —" : "— onbekend —" }));
      for (const [choice, text] of choices) {
        select.append(el("option", { value: JSON.stringify(choice), text, selected: value === choice }));
      }
      return select;
    }
    if (kind === "json") {
      return el("textarea", { id, rows: 3, text: value === undefined ? "" : JSON.stringify(value) });
    }
    const attrs = { id, value: value === undefined || value === null ? null : value };
    if (kind === "number") {
      Object.assign(attrs, { type: "number", step: schema.type === "integer" ? 1 : "any", min: schema.minimum, max: schema.maximum });
    } else if (kind === "date") {
      attrs.type = "date";
    } else {
      Object.assign(attrs, { type: "text", maxlength: schema.maxLength });
    }
    return el("input", attrs);
  }

  function readInput(kind, input) {
    const raw = input.value;
    if (raw === "") return undefined;
    if (kind === "enum" || kind === "boolean") return JSON.parse(raw);
    if (kind === "number") return Number(raw);
    if (kind === "json") {
      try {
        return JSON.parse(raw);
      } catch {
        return raw; // the server names the field and what is wrong
      }
    }
    return raw;
  }

  function objectBlock(label, field, value, path, required) {
    const legend = el("legend", { text: label });
    if (value === undefined && field.nullable && !required) {
      // An optional part (a Bibob assessment): absent is not the same as present with everything unknown.
      return el(
        "fieldset",
        { class: "blok leeg" },
        legend,
        el("button", {
          type: "button",
          class: "tweede",
          text: `${label} invullen`,
          onclick: () => {
            setAt(state.case, path, {});
            renderForm();
          },
        }),
      );
    }
    const children = objectFields(field.schema, value, path);
    if (field.nullable && !required) {
      children.push(
        el("button", {
          type: "button",
          class: "tweede",
          text: `${label} weghalen`,
          onclick: () => {
            setAt(state.case, path, undefined);
            renderForm();
          },
        }),
      );
    }
    return el("fieldset", { class: "blok" }, legend, hint(field.description)[1], el("div", { class: "rij" }, children));
  }

  function arrayBlock(label, field, value, path) {
    const items = resolve(field.schema.items);
    const list = Array.isArray(value) ? value : [];
    if (kindOf(items.schema) === "enum") {
      // A set of choices (roles of a person): one checkbox per allowed value.
      const boxes = items.schema.enum.map((choice) => {
        const id = uid("keuze");
        const box = el("input", { type: "checkbox", id, value: JSON.stringify(choice), checked: list.includes(choice) });
        box.addEventListener("change", () => {
          const chosen = items.schema.enum.filter((v, i) => boxes[i].querySelector("input").checked);
          setAt(state.case, path, chosen.length ? chosen : undefined);
        });
        return el("span", { class: "keuze" }, box, el("label", { for: id, text: words(choice) }));
      });
      const group = el("fieldset", { class: "blok" }, el("legend", { text: label }), hint(field.description)[1], el("div", { class: "keuzes" }, boxes));
      group.dataset.pad = pathText(path);
      return group;
    }
    if (kindOf(items.schema) !== "object") {
      // A list of plain values (information ids): one field, separated by commas.
      const id = uid("veld");
      const [hintId, hintNode] = hint([field.description, "Meerdere waarden scheiden met komma's."].filter(Boolean).join(" "));
      const input = el("input", { id, type: "text", value: list.join(", "), "aria-describedby": hintId });
      input.dataset.pad = pathText(path);
      input.addEventListener("change", () => {
        const values = input.value.split(",").map((v) => v.trim()).filter(Boolean);
        setAt(state.case, path, values.length ? values.map((v) => (kindOf(items.schema) === "number" ? Number(v) : v)) : undefined);
      });
      return el("div", { class: "veld" }, el("label", { for: id, text: label }), input, hintNode);
    }
    const name = words(path[path.length - 1]);
    const blocks = list.map((item, index) => {
      const legend = `${name} ${index + 1}`;
      return el(
        "fieldset",
        { class: "blok item" },
        el("legend", { text: legend }),
        el("div", { class: "rij" }, objectFields(items.schema, item, [...path, index])),
        el("button", {
          type: "button",
          class: "tweede",
          text: `${legend} weghalen`,
          onclick: () => {
            list.splice(index, 1);
            renderForm();
          },
        }),
      );
    });
    const add = el("button", {
      type: "button",
      class: "tweede",
      text: `Toevoegen aan ${name}`,
      onclick: () => {
        if (!Array.isArray(getAt(state.case, path))) setAt(state.case, path, []);
        getAt(state.case, path).push({});
        renderForm();
        const added = document.querySelector(`[data-pad^="${CSS.escape(pathText([...path, list.length]))}"]`);
        if (added) added.focus();
      },
    });
    return el("fieldset", { class: "blok" }, el("legend", { text: label }), hint(field.description)[1], blocks, add);
  }

  // -- evaluating ---------------------------------------------------------------------------------------

  async function evaluate() {
    busy("Bezig met beoordelen…");
    try {
      const body = JSON.stringify(state.case);
      const [response, viewed] = await Promise.all([
        api("/api/beoordeling", { body, query: options() }),
        api("/api/rapport", { body, query: { ...options(), formaat: "advies" } }),
      ]);
      const decision = await response.json();
      const view = await viewed.json();
      const part = await rulesetPart((decision.graaf || {}).regelsetdeel);
      clearError();
      state.previous = state.decision;
      state.decision = decision;
      state.part = part;
      state.view = view;
      renderDecision();
      return true;
    } catch (error) {
      showError(error.message);
      return false;
    } finally {
      busy("");
    }
  }

  async function openFile(file) {
    const yaml = /\.ya?ml$/i.test(file.name);
    busy("Bestand lezen…");
    let text;
    try {
      text = await file.text();
      const response = await api("/api/zaak", { body: text, yaml });
      state.case = await response.json();
    } catch (error) {
      busy("");
      showError(`het bestand ${file.name} kon niet worden gelezen: ${error.message}`, false);
      return;
    }
    state.decision = null;
    state.answer = null;
    renderForm();
    if (await evaluate()) $("#advies").focus();
  }

  // -- the advice ---------------------------------------------------------------------------------------

  function instrumentName(id) {
    const inst = state.decision.instrumenten.find((i) => i.id === id);
    return inst ? inst.naam : words(id);
  }

  function renderDecision() {
    const d = state.decision;
    $("#advies").hidden = false;
    renderSummary(d);
    renderChanges();
    renderQuestions();
    renderInstruments(d);
    $("#regel-paneel").hidden = true;
    $("#md-blok").hidden = true;
    if ($("#graaf-blok").open) loadGraph();
    else put($("#graaf"));
  }

  function renderSummary(d) {
    const v = state.view;
    const recommended = v.aanbevolen.length
      ? el("ul", { id: "aanbevolen-lijst" }, v.aanbevolen.map((a) => el("li", {}, el("a", { href: `#instrument-${a.id}`, text: a.naam }), `: ${a.toelichting}`)))
      : el("p", { id: "aanbevolen-lijst", text: "Geen instrument aanbevolen op deze feiten." });
    put($("#samenvatting"),
      el("p", { text: v.kop }),
      el("h3", { text: "Aanbevolen" }),
      recommended,
      v.profiel.length ? [el("h3", { text: "Afwijkingen van het landelijke recht door het gemeenteprofiel" }), el("ul", {}, v.profiel.map((t) => el("li", { text: t })))] : null,
      v.buiten_beschouwing.length
        ? el("section", { class: "besluitdeel", id: "besluit-buiten_beschouwing" }, el("h3", { text: DECISION_LABELS.buiten_beschouwing }),
          el("ul", {}, v.buiten_beschouwing.map((b) => el("li", { text: `${b.feit}: ${b.reden}` }))))
        : null,
      v.informatie.length
        ? el("section", { class: "besluitdeel", id: "besluit-informatie" }, el("h3", { text: DECISION_LABELS.informatie }),
          el("ul", {}, v.informatie.map((i) => el("li", {}, el("strong", { text: i.naam }), i.bruikbaar === true ? ": bruikbaar" : i.bruikbaar === null ? ": nog niet vast te stellen" : ": kan geen besluit dragen",
            el("ul", {}, i.zinnen.map((z) => el("li", { text: z })))))))
        : null,
      decisionParts(d),
    );
    $("#ontvangstbewijs").textContent = `Ontvangstbewijs van dit advies: ${v.ontvangstbewijs}.`;
  }

  function decisionParts(d) {
    const rest = Object.keys(d).filter((key) => !DECISION_SHOWN.has(key) && !isEmpty(d[key]) && !(typeof d[key] === "object" && !Array.isArray(d[key]) && !Object.keys(d[key]).length));
    const section = (key) => el("section", { class: "besluitdeel", id: `besluit-${key}` }, el("h3", { text: DECISION_LABELS[key] || words(key) }), valueNode(key, d[key]));
    const technical = rest.filter((key) => DECISION_TECHNICAL.has(key));
    return [
      rest.filter((key) => !DECISION_TECHNICAL.has(key)).map(section),
      technical.length ? el("details", { class: "meer" }, el("summary", { text: "Technische gegevens van het besluit" }), technical.map(section)) : null,
    ];
  }

  function renderInstruments(d) {
    // The one order of every view (docs/besluit.md): the server's.
    const place = Object.fromEntries(state.view.volgorde.map((id, i) => [id, i]));
    const order = (a, b) => (place[a.id] ?? 1e6) - (place[b.id] ?? 1e6);
    const groups = STATUSES.map(([status, title]) => {
      const members = d.instrumenten.filter((i) => i.status === status).sort(order);
      if (!members.length) return null;
      const heading = `${title} (${members.length})`;
      const cards = members.map(instrumentCard);
      if (status === "uitgesloten") {
        return el("details", { class: "groep", id: `groep-${status}` }, el("summary", { text: heading }), cards);
      }
      return el("section", { class: "groep", id: `groep-${status}` }, el("h4", { text: heading }), cards);
    });
    put($("#instrumentenlijst"), ...groups.filter(Boolean));
  }

  function instrumentCard(inst) {
    const titleId = uid("instrument");
    const answer = el("div", { class: "uitleg", "aria-live": "polite" });
    const shown = state.view.instrumenten[inst.id] || {};
    // The reader's words where the view has them; a field the view does not know is shown as the decision has it.
    const said = {
      bevoegd: shown.bevoegd,
      spoor: shown.spoor,
      categorie: shown.soort,
      regels: shown.regels,
      ontbrekende_feiten: shown.ontbreekt,
      te_controleren: shown.te_controleren,
      geblokkeerde_feiten: shown.niet_gebruikt,
      escalatie: shown.escalatie,
      onvervulde_voorwaarden: shown.onvervulde_voorwaarden,
    };
    const entries = Object.keys(inst)
      .filter((key) => !CARD_SKIP.has(key))
      .sort((a, b) => rank(a) - rank(b))
      .map((key) => [key, key in said && said[key] !== undefined ? said[key] : inst[key]])
      .filter(([, value]) => !isEmpty(value));
    const button = el("button", { type: "button", class: "tweede", text: WHY[inst.status] || "Waarom?", "aria-expanded": "false" });
    button.addEventListener("click", () => explain(inst, button, answer));
    return el(
      "article",
      { class: `instrument status-${inst.status}`, id: `instrument-${inst.id}`, "data-status": inst.status, tabindex: "-1", "aria-labelledby": titleId },
      el("h5", { id: titleId }, el("span", { class: `label label-${inst.status}`, text: STATUS_WORD[inst.status] || inst.status }), " ", inst.naam),
      el("dl", {}, entries.map(([key, value]) => [el("dt", { text: FIELD_LABELS[key] || words(key) }), el("dd", {}, valueNode(key, value))])),
      button,
      answer,
    );
  }

  function rank(key) {
    const index = FIELD_ORDER.indexOf(key);
    return index === -1 ? FIELD_ORDER.length : index;
  }

  function isEmpty(value) {
    return value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length);
  }

  // Any value of the decision, shown as people read it; links only to https addresses.
  function valueNode(key, value) {
    if (key === "regels" && Array.isArray(value)) {
      // By title; the rule's id is in the technical part of its panel.
      return el("ul", {}, value.map((rule) => {
        const id = typeof rule === "string" ? rule : rule.id;
        const title = typeof rule === "string" ? ruleTitle(rule) : rule.titel;
        return el("li", {}, el("button", { type: "button", class: "link", text: title, onclick: () => showRule(id) }));
      }));
    }
    if (key === "instrumenten" && Array.isArray(value) && value.every((v) => typeof v === "string")) {
      return document.createTextNode(value.map(instrumentName).join("; ")); // names, as the cards below call them
    }
    if (key === "gebruik" && Array.isArray(value)) {
      // Per authority and purpose (information law): the detail behind the one-line explanation above it.
      const detail = el("ul", {}, value.map((item) => el("li", {}, valueNode("", item))));
      return el("details", { class: "meer" }, el("summary", { text: `per bevoegd gezag en doel (${value.length})` }), detail);
    }
    if (Array.isArray(value)) {
      if (value.length === 1 && typeof value[0] !== "object") return document.createTextNode(String(value[0]));
      return el("ul", {}, value.map((item) => el("li", {}, valueNode("", item))));
    }
    if (value && typeof value === "object") {
      if (typeof value.url === "string") return citation(value);
      return el("dl", { class: "genest" }, Object.entries(value).filter(([, v]) => !isEmpty(v)).map(([k, v]) => [el("dt", { text: words(k) }), el("dd", {}, valueNode(k, v))]));
    }
    if (typeof value === "boolean") return document.createTextNode(value ? "ja" : "nee");
    return document.createTextNode(String(value));
  }

  function citation(source) {
    let text;
    if (source.ecli) text = source.ecli;
    else if (source.artikel) text = `art. ${source.artikel}${source.lid ? ` lid ${source.lid}` : ""}${source.onder ? ` onder ${source.onder}` : ""} ${source.wet || ""}`;
    else text = Object.entries(source).filter(([k]) => k !== "url").map(([, v]) => v).join(" ");
    if (source.onzeker) text += " (onzeker)";
    if (!/^https:\/\//.test(source.url)) return document.createTextNode(text);
    return el("a", { href: source.url, target: "_blank", rel: "noopener noreferrer", text });
  }

  async function explain(inst, button, box) {
    if (button.getAttribute("aria-expanded") === "true") {
      button.setAttribute("aria-expanded", "false");
      put(box);
      return;
    }
    put(box, el("p", { class: "klein", text: "Uitleg ophalen…" }));
    try {
      const response = await api(`/api/uitleg/${encodeURIComponent(inst.id)}`, { body: JSON.stringify(state.case), query: options() });
      const answer = await response.json();
      put(box, el("pre", { text: answer.uitleg }));
      button.setAttribute("aria-expanded", "true");
    } catch (error) {
      put(box, el("p", { class: "fout", text: `Fout: ${error.message}` }));
    }
  }

  function showInstrument(id) {
    const card = document.getElementById(`instrument-${id}`);
    if (!card) return;
    const group = card.closest("details");
    if (group) group.open = true;
    card.classList.add("gemarkeerd");
    window.setTimeout(() => card.classList.remove("gemarkeerd"), 2000);
    card.scrollIntoView({ block: "center" });
    card.focus({ preventScroll: true });
  }

  // The decision's graph carries what this case adds; what every decision of the ruleset shares (a rule's title,
  // its sources) is the ruleset part, fetched once per key (GET /api/regelset/{sleutel}, decision/part.py).
  const parts = new Map();

  async function rulesetPart(key) {
    if (!key) return new Map();
    if (!parts.has(key)) {
      const response = await api(`/api/regelset/${encodeURIComponent(key)}`);
      const nodes = new Map(((await response.json()).nodes || []).map((n) => [n.id, n]));
      parts.set(key, nodes);
    }
    return parts.get(key);
  }

  function ruleNode(id) {
    const own = ((state.decision.graaf || {}).nodes || []).find((n) => n.id === `regel:${id}`);
    const shared = (state.part || new Map()).get(`regel:${id}`);
    if (!own && !shared) return null;
    const node = { ...(shared || {}), ...(own || {}) };
    for (const key of (own || {})._zonder || []) delete node[key];
    delete node._zonder;
    delete node._niet_geciteerd;
    return node;
  }

  function ruleTitle(id) {
    const node = ruleNode(id);
    return node && node.label ? node.label : "regel";
  }

  function showRule(id) {
    const node = ruleNode(id);
    const panel = $("#regel-paneel");
    $("#regel-kop").textContent = node && node.label ? `Regel: ${node.label}` : "Regel";
    const sources = node && Array.isArray(node.grondslag) ? node.grondslag : [];
    const details = node ? Object.entries(node).filter(([k, v]) => !["label", "soort", "grondslag"].includes(k) && !isEmpty(v)) : [];
    put($("#regel-inhoud"),
      node ? null : el("p", { text: "Over deze regel staat niets in de graaf van dit besluit." }),
      sources.length ? el("p", {}, el("strong", { text: "Grondslag: " }), sources.join("; ")) : null,
      details.length
        ? el("details", { class: "meer" }, el("summary", { text: "Technische gegevens van de regel" }),
          el("dl", {}, details.map(([k, v]) => [el("dt", { text: words(k) }), el("dd", {}, k === "url" ? citation({ url: v, wet: v }) : valueNode(k, v))])))
        : null,
    );
    panel.hidden = false;
    panel.scrollIntoView({ block: "start" });
    panel.focus({ preventScroll: true });
  }

  // -- asking what is missing -----------------------------------------------------------------------

  function renderQuestions() {
    const groups = state.view.vragen;
    const box = $("#vragenlijst");
    if (!groups.length) {
      put(box, el("p", { text: "Er ontbreken geen feiten die het advies nog kunnen veranderen." }));
      return;
    }
    // Ranked by what they decide (render/reader.py), as in the text and the Markdown; the last group folded.
    put(box,
      el("p", {}, "Deze feiten zijn onbekend, naar wat zij beslissen. Beantwoord er een en het advies wordt meteen opnieuw bepaald."),
      groups.map((group) => {
        const body = [group.leeg ? el("p", { class: "klein", text: group.leeg }) : null, group.feiten.map(question)];
        if (group.ingeklapt) return el("details", { class: "meer" }, el("summary", { text: `${group.titel} (${group.feiten.length})` }), body);
        return el("section", { class: "vraaggroep" }, el("h4", { text: group.titel }), body);
      }),
    );
  }

  function question(fact) {
    const path = parsePath(fact.feit);
    const field = fieldAt(path);
    const kind = field ? kindOf(field.schema) : "string";
    const legendId = uid("vraag");
    let read;
    let control;
    if (kind === "enum" || kind === "boolean") {
      const choices = kind === "boolean" ? [[true, "ja"], [false, "nee"]] : field.schema.enum.map((v) => [v, words(v)]);
      const name = uid("keuze");
      const radios = choices.map(([value, text]) => {
        const id = uid("optie");
        return el("span", { class: "keuze" }, el("input", { type: "radio", name, id, value: JSON.stringify(value) }), el("label", { for: id, text }));
      });
      control = el("div", { class: "keuzes" }, radios);
      read = () => {
        const chosen = control.querySelector("input[type=radio]:checked");
        return chosen ? [JSON.parse(chosen.value), chosen.labels[0].textContent] : null;
      };
    } else {
      const id = uid("antwoord");
      const input = inputFor(kind === "json" ? "string" : kind, field ? field.schema : {}, undefined, id, false);
      control = el("span", { class: "veld-inline" }, el("label", { for: id, class: "verborgen", text: fact.omschrijving }), input);
      read = () => {
        const value = readInput(kind, input);
        return value === undefined ? null : [value, String(value)];
      };
    }
    const status = el("span", { class: "fout klein", "aria-live": "polite" });
    const form = el(
      "form",
      { class: "vraag", "data-feit": fact.feit },
      el(
        "fieldset",
        { class: "blok" },
        el("legend", { id: legendId, text: fact.omschrijving }),
        fact.toelichting ? el("p", { class: "klein", text: `${fact.toelichting[0].toUpperCase()}${fact.toelichting.slice(1)}.` }) : null,
        el("div", { class: "antwoord" }, control, el("button", { type: "submit", text: "Beantwoord" }), status),
      ),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const answer = read();
      if (!answer) {
        status.textContent = "Kies of vul eerst een antwoord in.";
        return;
      }
      answerQuestion(fact, path, answer);
    });
    return form;
  }

  async function answerQuestion(fact, path, [value, shown]) {
    state.undo = clone(state.case);
    setAt(state.case, path, value);
    state.answer = { omschrijving: fact.omschrijving, shown };
    if (await evaluate()) {
      renderForm();
      $("#wijzigingen").focus();
    } else {
      state.case = state.undo; // the server refused the answer: keep the case as it was
      state.answer = null;
    }
  }

  function statusOf(decision, id) {
    const inst = decision.instrumenten.find((i) => i.id === id);
    return inst ? inst.status : null;
  }

  function renderChanges() {
    const box = $("#wijzigingen");
    const before = state.previous;
    const after = state.decision;
    if (!state.answer || !before) {
      put(box);
      return;
    }
    const old = Object.fromEntries(before.instrumenten.map((i) => [i.id, i]));
    const statusRank = (s) => STATUSES.findIndex(([name]) => name === s);
    const gained = after.aanbevolen.filter((id) => !before.aanbevolen.includes(id));
    const lost = before.aanbevolen.filter((id) => !after.aanbevolen.includes(id));
    const moved = after.instrumenten
      .filter((i) => old[i.id] && old[i.id].status !== i.status && !gained.includes(i.id) && !lost.includes(i.id))
      .sort((a, b) => statusRank(a.status) - statusRank(b.status) || a.naam.localeCompare(b.naam));
    const stillMissing = new Set((after.ontbrekende_feiten || []).map((f) => f.feit));
    const settled = (before.ontbrekende_feiten || []).filter((f) => !stillMissing.has(f.feit)).length;
    const lines = [
      ...gained.map((id) => el("li", { class: "nu-aanbevolen" }, el("strong", { text: "Nu aanbevolen: " }), instrumentName(id))),
      ...lost.map((id) => el("li", {}, el("strong", { text: "Niet meer aanbevolen: " }), `${instrumentName(id)} (nu ${STATUS_WORD[statusOf(after, id)] || "?"})`)),
      ...moved.map((i) => el("li", {}, `${i.naam}: ${STATUS_WORD[old[i.id].status] || old[i.id].status} → ${STATUS_WORD[i.status] || i.status}`)),
    ];
    if (settled) lines.push(el("li", { text: settled === 1 ? "1 onbekend feit doet er nu niet meer toe" : `${settled} onbekende feiten doen er nu niet meer toe` }));
    const undo = el("button", { type: "button", class: "tweede", id: "ongedaan", text: "Antwoord ongedaan maken" });
    undo.addEventListener("click", async () => {
      state.case = state.undo;
      state.answer = null;
      renderForm();
      await evaluate();
    });
    put(box,
      el("h3", { text: "Wat veranderde door uw antwoord" }),
      el("p", {}, `U antwoordde: ${state.answer.omschrijving} — `, el("strong", { text: state.answer.shown }), "."),
      lines.length ? el("ul", { id: "wijzigingenlijst" }, lines) : el("p", { id: "wijzigingenlijst", text: "Het advies veranderde niet door dit antwoord." }),
      undo,
    );
  }

  // -- the graph ----------------------------------------------------------------------------------------

  async function loadGraph() {
    const box = $("#graaf");
    if (state.graphFor === state.decision && box.firstChild) return;
    put(box, el("p", { class: "klein", text: "Graaf tekenen…" }));
    try {
      const query = { ...options(), formaat: "svg" };
      if ($("#graaf-volledig").checked) query.volledig = "true";
      const response = await api("/api/graaf", { body: JSON.stringify(state.case), query });
      const svg = cleanSvg(await response.text());
      put(box, svg);
      state.graphFor = state.decision;
      fit();
    } catch (error) {
      put(box, el("p", { class: "fout", text: `Fout: ${error.message}` }));
    }
  }

  // The SVG comes from our own server, but it carries case text: keep drawing only, links only to https or this page.
  function cleanSvg(text) {
    const doc = new DOMParser().parseFromString(text, "image/svg+xml");
    const svg = doc.documentElement;
    if (svg.nodeName !== "svg") throw new ApiError("de graaf kon niet worden gelezen");
    for (const bad of svg.querySelectorAll("script, foreignObject, iframe, object, embed, style")) bad.remove();
    for (const node of svg.querySelectorAll("*")) {
      for (const attr of [...node.attributes]) {
        if (/^on/i.test(attr.name)) node.removeAttribute(attr.name);
        if (/href$/i.test(attr.name) && !/^(https:\/\/|#)/.test(attr.value)) node.removeAttribute(attr.name);
      }
      if (node.nodeName === "a") node.setAttribute("target", "_blank");
    }
    for (const node of svg.querySelectorAll("g.node")) {
      const [kind, id] = splitNode(node.id);
      if (kind !== "instrument" && kind !== "regel") continue;
      const link = node.querySelector("a") || node;
      link.setAttribute("tabindex", "0");
      link.setAttribute("role", "link");
      link.setAttribute("aria-label", kind === "instrument" ? `Instrument ${instrumentName(id)}: naar de uitleg` : `Regel ${id}: naar de uitleg`);
    }
    const [, , width, height] = (svg.getAttribute("viewBox") || "0 0 800 600").split(/[\s,]+/).map(Number);
    svg.dataset.breedte = String(width * (4 / 3)); // Graphviz measures in points
    svg.dataset.hoogte = String(height * (4 / 3));
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "Verklarende graaf van het besluit");
    return document.importNode(svg, true);
  }

  function splitNode(id) {
    const at = String(id || "").indexOf(":");
    return at === -1 ? ["", ""] : [id.slice(0, at), id.slice(at + 1)];
  }

  function zoom(factor) {
    const svg = $("#graaf svg");
    if (!svg) return;
    state.scale = Math.min(4, Math.max(0.05, factor === null ? fitScale(svg) : state.scale * factor));
    svg.setAttribute("width", String(Math.round(Number(svg.dataset.breedte) * state.scale)));
    svg.setAttribute("height", String(Math.round(Number(svg.dataset.hoogte) * state.scale)));
  }

  function fitScale(svg) {
    const width = $("#graaf").clientWidth - 16;
    return Math.min(1, width / Number(svg.dataset.breedte));
  }

  function fit() {
    zoom(null);
  }

  function onGraphActivate(event) {
    const node = event.target.closest ? event.target.closest("g.node") : null;
    if (!node) return;
    const [kind, id] = splitNode(node.id);
    if (kind === "instrument") {
      event.preventDefault();
      showInstrument(id);
    } else if (kind === "regel") {
      event.preventDefault();
      showRule(id);
    }
  }

  // -- Markdown and print ---------------------------------------------------------------------------

  async function showMarkdown() {
    try {
      const response = await api("/api/rapport", { body: JSON.stringify(state.case), query: { ...options(), formaat: "md" } });
      $("#md").value = await response.text();
      $("#md-blok").hidden = false;
      $("#md").focus();
    } catch (error) {
      showError(error.message);
    }
  }

  async function copyMarkdown() {
    const area = $("#md");
    try {
      await navigator.clipboard.writeText(area.value);
    } catch {
      area.select();
      document.execCommand("copy");
    }
    $("#kopieer-status").textContent = "Gekopieerd.";
  }

  // -- start ---------------------------------------------------------------------------------------------

  async function start() {
    $("#bestand").addEventListener("change", (event) => {
      const file = event.target.files[0];
      if (file) openFile(file);
      event.target.value = ""; // the same file again is a new upload
    });
    $("#beoordeel").addEventListener("click", async () => {
      state.answer = null;
      if (await evaluate()) $("#advies").focus();
    });
    $("#nieuwe-zaak").addEventListener("click", () => {
      state.case = {};
      renderForm();
    });
    $("#graaf-blok").addEventListener("toggle", () => {
      if ($("#graaf-blok").open && state.decision) loadGraph();
    });
    $("#graaf-volledig").addEventListener("change", () => {
      state.graphFor = null;
      loadGraph();
    });
    $("#zoom-in").addEventListener("click", () => zoom(1.25));
    $("#zoom-uit").addEventListener("click", () => zoom(0.8));
    $("#zoom-passend").addEventListener("click", fit);
    const graph = $("#graaf");
    graph.addEventListener("click", onGraphActivate);
    graph.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") onGraphActivate(event);
      else if (event.key === "+" || event.key === "=") zoom(1.25);
      else if (event.key === "-") zoom(0.8);
    });
    graph.addEventListener(
      "wheel",
      (event) => {
        if (!event.ctrlKey) return;
        event.preventDefault();
        zoom(event.deltaY < 0 ? 1.1 : 0.9);
      },
      { passive: false },
    );
    $("#toon-md").addEventListener("click", showMarkdown);
    $("#kopieer").addEventListener("click", copyMarkdown);
    $("#afdrukken").addEventListener("click", () => window.print());

    try {
      const [schema, version] = await Promise.all([api("/api/schema/zaak").then((r) => r.json()), api("/api/versie").then((r) => r.json())]);
      state.schema = schema;
      const select = $("#gemeente");
      for (const profile of version.profielen) select.append(el("option", { value: profile.naam, text: `${profile.profiel} ${profile.versie || ""}`.trim() }));
      const rules = version.regelset;
      $("#serverinfo").textContent = `Deze server: regelset ${rules.naam} ${rules.versie}, vingerafdruk ${rules.hash.slice(0, 12)}…; weerbaar-rules ${version.engine_versie}${
        version.standaardprofiel ? `; standaardprofiel ${version.standaardprofiel}` : ""
      }.`;
      renderForm();
      document.body.dataset.klaar = "ja";
    } catch (error) {
      showError(`de pagina kon niet starten: ${error.message}`);
    }
  }

  start();
})();
