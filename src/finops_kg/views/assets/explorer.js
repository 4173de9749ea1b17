/* The finops-kg explorer: draws one edition's capability-persona network with Cytoscape.js and
   explains the node or edge that is clicked. Text reaches the page only through textContent,
   never innerHTML, so labels with &, < or quotes show exactly as written. */
(function () {
  'use strict';

  const DATA = JSON.parse(document.getElementById('explorer-data').textContent);
  const COLOURS = new Map(DATA.domains.map((domain) => [domain.label, domain.colour]));
  const byId = (id) => document.getElementById(id);

  // Concentric rings need no randomness: personas inside, capabilities around them in the order
  // of the data (grouped by domain), so the same data always gives the same picture.
  const LAYOUT = {
    name: 'concentric',
    concentric: (node) => (node.data('type') === 'Capability' ? 1 : 2),
    levelWidth: () => 1,
    minNodeSpacing: 56,
    startAngle: 1.5 * Math.PI,
    animate: false,
    padding: 24,
  };

  let edition = null; // the edition shown: its name and its nodes and edges by id

  const cy = cytoscape({ container: byId('graph'), minZoom: 0.2, maxZoom: 4 });
  // Exposed so that tests and the browser console can inspect the graph.
  window.explorer = cy;

  function h(tag, text, className) {
    const element = document.createElement(tag);
    if (text !== undefined) element.textContent = text;
    if (className) element.className = className;
    return element;
  }

  function plural(count, one, many) {
    return count + ' ' + (count === 1 ? one : many);
  }

  // ---- the graph ---------------------------------------------------------------------------

  function edgeId(edge) {
    return edge.source + ' -> ' + edge.target;
  }

  function elements(data) {
    const nodes = data.nodes.map((node) => ({
      group: 'nodes',
      data: { id: node.id, label: node.label, type: node.type, domain: node.domain,
              colour: COLOURS.get(node.domain) || '#8c959f' },
    }));
    const edges = data.edges.map((edge) => ({
      group: 'edges',
      data: { id: edgeId(edge), source: edge.source, target: edge.target, weight: edge.weight,
              onlyThroughGroup: edge.direct === 0 },
    }));
    return nodes.concat(edges);
  }

  function stylesheet(maxWeight) {
    const persona = { shape: 'round-rectangle', width: 34, height: 34, 'font-weight': 'bold',
                      'border-color': '#24292f' };
    return [
      { selector: 'node', style: {
        label: 'data(label)', 'font-size': 11, color: '#1b1f24', 'text-valign': 'bottom',
        'text-margin-y': 3, 'text-wrap': 'wrap', 'text-max-width': 100,
        'text-background-color': '#fff', 'text-background-opacity': 0.75 } },
      { selector: 'node[type = "Capability"]', style: {
        shape: 'ellipse', width: 26, height: 26, 'background-color': 'data(colour)' } },
      { selector: 'node[type = "CorePersona"]', style: {
        ...persona, 'background-color': '#24292f' } },
      { selector: 'node[type = "AlliedPersona"]', style: {
        ...persona, 'background-color': '#fff', 'border-width': 2, 'border-style': 'dashed' } },
      { selector: 'edge', style: {
        width: (edge) => 1 + 8 * edge.data('weight') / maxWeight,
        'line-color': '#8c959f', opacity: 0.55, 'curve-style': 'straight' } },
      { selector: 'edge[?onlyThroughGroup]', style: { 'line-style': 'dashed' } },
      { selector: 'node.match', style: {
        'border-width': 3, 'border-style': 'solid', 'border-color': '#bf8700' } },
      { selector: 'node:selected', style: {
        'border-width': 4, 'border-style': 'solid', 'border-color': '#0969da' } },
      { selector: 'edge:selected', style: { 'line-color': '#0969da', opacity: 1 } },
      { selector: '.faded', style: { opacity: 0.12 } },
      { selector: '.hidden', style: { display: 'none' } },
    ];
  }

  function showEdition(name) {
    const data = DATA.editions[name];
    edition = {
      name: name,
      nodes: new Map(data.nodes.map((node) => [node.id, node])),
      edges: new Map(data.edges.map((edge) => [edgeId(edge), edge])),
    };
    closePanel(); // first, so that the layout fits the graph into its full width
    cy.batch(() => {
      cy.elements().remove();
      cy.add(elements(data));
    });
    cy.style(stylesheet(Math.max(1, ...data.edges.map((edge) => edge.weight))));
    cy.layout(LAYOUT).run();
    buildDomainFilter(data);
    buildPersonaFilter(data);
    buildSearchOptions(data);
    byId('search').value = '';
    byId('matches').textContent = '';
    applyFilters();
  }

  function highlight(collection) {
    cy.batch(() => {
      cy.elements().addClass('faded');
      collection.removeClass('faded');
    });
  }

  // ---- filters -----------------------------------------------------------------------------

  function buildEditionSelect() {
    const select = byId('edition');
    Object.keys(DATA.editions).sort().forEach((name) => {
      select.append(new Option(name, name, false, name === DATA.default));
    });
  }

  function buildDomainFilter(data) {
    const fieldset = byId('domains');
    fieldset.querySelectorAll('label').forEach((label) => label.remove());
    const present = new Set(data.nodes.map((node) => node.domain));
    DATA.domains.filter((domain) => present.has(domain.label)).forEach((domain) => {
      const box = h('input');
      box.type = 'checkbox';
      box.value = domain.label;
      box.checked = true;
      const swatch = h('span', undefined, 'swatch');
      swatch.style.background = domain.colour;
      const label = h('label');
      label.append(box, swatch, domain.label);
      fieldset.append(label);
    });
  }

  function buildPersonaFilter(data) {
    const select = byId('persona');
    select.replaceChildren(new Option('All personas', ''));
    data.nodes.filter((node) => node.type !== 'Capability').forEach((node) => {
      select.append(new Option(node.label, node.id));
    });
  }

  function applyFilters() {
    const domains = new Set(Array.from(byId('domains').querySelectorAll('input:checked'),
                                       (box) => box.value));
    const persona = byId('persona').value;
    cy.batch(() => {
      cy.nodes().forEach((node) => node.toggleClass('hidden', !isShown(node, domains, persona)));
      cy.edges().forEach((edge) => edge.toggleClass('hidden',
        edge.source().hasClass('hidden') || edge.target().hasClass('hidden')));
      cy.elements().removeClass('faded');
    });
    const shown = cy.elements().not('.hidden');
    byId('status').textContent = [
      plural(shown.nodes('[type = "Capability"]').length, 'capability', 'capabilities'),
      plural(shown.nodes('[type != "Capability"]').length, 'persona', 'personas'),
      plural(shown.edges().length, 'edge', 'edges'),
    ].join(', ') + ' shown' + (edition.edges.size ? '' : '; this edition records no activities');
  }

  function isShown(node, domains, persona) {
    if (node.data('type') !== 'Capability') return !persona || node.id() === persona;
    return domains.has(node.data('domain')) &&
      (!persona || node.edgesTo(cy.getElementById(persona)).nonempty());
  }

  // ---- search ------------------------------------------------------------------------------

  function buildSearchOptions(data) {
    byId('search-options').replaceChildren(...data.nodes.map((node) => new Option(node.label)));
  }

  function searchMatches(query) {
    const text = query.trim().toLowerCase();
    if (!text) return cy.collection();
    return cy.nodes().not('.hidden')
      .filter((node) => node.data('label').toLowerCase().includes(text));
  }

  function bestMatch(matches, query) {
    const text = query.trim().toLowerCase();
    const label = (node) => node.data('label').toLowerCase();
    return matches.filter((node) => label(node) === text)[0] ||
      matches.filter((node) => label(node).startsWith(text))[0] || matches[0];
  }

  function onSearchInput(event) {
    const input = byId('search');
    const matches = searchMatches(input.value);
    cy.nodes().removeClass('match');
    matches.addClass('match');
    byId('matches').textContent =
      input.value.trim() ? plural(matches.length, 'match', 'matches') : '';
    // A pick from the suggestion list is an input event without a typed character.
    if (event.inputType === undefined || event.inputType === 'insertReplacementText') {
      const picked = bestMatch(matches, input.value);
      if (picked && picked.data('label').toLowerCase() === input.value.trim().toLowerCase()) {
        focusNode(picked);
      }
    }
  }

  function onSearchKey(event) {
    if (event.key !== 'Enter') return;
    const input = byId('search');
    const match = bestMatch(searchMatches(input.value), input.value);
    if (match) focusNode(match);
    else byId('matches').textContent = 'no match among the nodes shown';
  }

  function focusNode(node) {
    cy.elements().unselect();
    node.select();
    highlight(node.closedNeighborhood());
    cy.center(node);
  }

  // ---- the side panel ----------------------------------------------------------------------

  function openPanel(parts) {
    byId('panel-body').replaceChildren(...parts);
    byId('panel').hidden = false;
    cy.resize(); // the graph's container just became narrower
  }

  function closePanel() {
    byId('panel').hidden = true;
    cy.resize();
  }

  function sourceLink(url, text) {
    const link = h('a', text);
    link.href = url;
    link.target = '_blank';
    link.rel = 'noopener';
    return link;
  }

  function nodeButton(node) {
    const button = h('button', node.data('label'), 'link node-link');
    button.type = 'button';
    button.addEventListener('click', () => {
      focusNode(node);
      showNode(node);
    });
    return button;
  }

  function edgeButton(edge, text) {
    const button = h('button', text, 'link edge-link');
    button.type = 'button';
    button.addEventListener('click', () => showEdge(edge));
    return button;
  }

  function activityCount(edge) {
    const data = edition.edges.get(edge.id());
    const count = plural(data.weight, 'activity', 'activities');
    if (!data.viaGroup) return count;
    const groups = new Set(data.activities.map((activity) => activity.group).filter(Boolean));
    return count + ' (' + data.viaGroup + ' through ' + Array.from(groups).join(', ') + ')';
  }

  function involvementList(edges, otherEnd) {
    if (edges.empty()) return h('p', 'No activities recorded in this edition.', 'empty');
    const list = h('ul', undefined, 'involvement');
    edges.sort((a, b) => b.data('weight') - a.data('weight') ||
      otherEnd(a).data('label').localeCompare(otherEnd(b).data('label'))).forEach((edge) => {
      const item = h('li');
      item.append(nodeButton(otherEnd(edge)), ': ', edgeButton(edge, activityCount(edge)));
      list.append(item);
    });
    return list;
  }

  function maturityParts(levels) {
    if (!levels.length) return [h('p', 'None recorded in this edition.', 'empty')];
    return levels.flatMap((level) => {
      const list = h('ul', undefined, 'maturity');
      level.characteristics.forEach((text) => list.append(h('li', text)));
      return [h('h4', level.level), list];
    });
  }

  function kpiList(kpis) {
    if (!kpis.length) return h('p', 'None recorded in this edition.', 'empty');
    const list = h('ul', undefined, 'kpis');
    kpis.forEach((kpi) => {
      const item = h('li');
      item.append(kpi.source ? sourceLink(kpi.source, kpi.label) : kpi.label,
                  h('span', kpi.formula || 'No formula published.', 'formula'));
      list.append(item);
    });
    return list;
  }

  function kindOf(data) {
    if (data.type === 'Capability') return 'Capability in ' + data.domain;
    return data.type === 'CorePersona' ? 'Core persona' : 'Allied persona';
  }

  function showNode(node) {
    const data = edition.nodes.get(node.id());
    const parts = [
      h('h2', data.label),
      h('p', kindOf(data) + ', ' + edition.name + ' edition', 'subtitle'),
      data.definition ? h('p', data.definition, 'definition')
                      : h('p', 'No definition recorded.', 'empty'),
    ];
    if (data.source) {
      const paragraph = h('p');
      paragraph.append(sourceLink(data.source, 'Its page on finops.org'));
      parts.push(paragraph);
    }
    if (data.type === 'Capability') {
      parts.push(h('h3', 'Personas'),
                 involvementList(node.connectedEdges(), (edge) => edge.target()),
                 h('h3', 'Maturity characteristics'), ...maturityParts(data.maturity),
                 h('h3', 'KPIs'), kpiList(data.kpis));
    } else {
      parts.push(h('h3', 'Capabilities'),
                 involvementList(node.connectedEdges(), (edge) => edge.source()));
    }
    openPanel(parts);
  }

  function showEdge(edge) {
    const data = edition.edges.get(edge.id());
    const list = h('ol', undefined, 'activities');
    data.activities.forEach((activity) => {
      const item = h('li', activity.label);
      if (activity.group) item.append(h('span', 'through ' + activity.group, 'badge'));
      list.append(item);
    });
    const ends = h('p', undefined, 'subtitle');
    ends.append(nodeButton(edge.source()), ' and ', nodeButton(edge.target()), ': ',
                activityCount(edge));
    highlight(edge.union(edge.connectedNodes()));
    openPanel([h('h2', 'Activities'), ends, list]);
  }

  // ---- wiring ------------------------------------------------------------------------------

  cy.on('tap', 'node', (event) => {
    highlight(event.target.closedNeighborhood());
    showNode(event.target);
  });
  cy.on('tap', 'edge', (event) => showEdge(event.target));
  cy.on('tap', (event) => {
    if (event.target === cy) cy.elements().removeClass('faded');
  });
  byId('edition').addEventListener('change', (event) => showEdition(event.target.value));
  byId('domains').addEventListener('change', applyFilters);
  byId('persona').addEventListener('change', applyFilters);
  byId('search').addEventListener('input', onSearchInput);
  byId('search').addEventListener('keydown', onSearchKey);
  byId('panel-close').addEventListener('click', closePanel);

  // The first frame drawn with the data is the time to first render that tests read.
  cy.one('render', () => {
    performance.mark('explorer-ready');
    window.__explorerReady = performance.now();
  });
  buildEditionSelect();
  showEdition(DATA.default);
})();
