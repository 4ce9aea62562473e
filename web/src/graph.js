// The graph of who sends to whom: one node per process, one edge per
// (sender, receiver) the name server knows (NSGetConnects), its width by the
// message rate seen between two refreshes.  cytoscape draws on a canvas, so
// drawn() says, through cytoscape's API, what is on screen (for the tests).
import cytoscape from 'cytoscape';
import { bytesKey, shown } from './texts.js';

// Above this many nodes a force-directed layout takes seconds: rings by degree instead.
const kForceLayoutMax = 80;
// Above this many edges their rate labels only clutter.
const kEdgeLabelMax = 120;

function edgeWidth(rate) {
  return 1 + Math.min(9, Math.log2(1 + rate));
}

export class Graph {
  constructor(container, onSelect) {
    this.cy = cytoscape({
      container,
      textureOnViewport: true,
      hideEdgesOnViewport: true,
      style: [
        { selector: 'node', style: {
          'label': 'data(label)', 'font-size': 10, 'text-valign': 'bottom', 'text-margin-y': 3,
          'width': 18, 'height': 18, 'background-color': '#3b6fb6', 'color': '#1d2430' } },
        { selector: 'node:selected', style: { 'background-color': '#e07a1f', 'border-width': 2, 'border-color': '#8a4300' } },
        { selector: 'edge', style: {
          'width': 'data(width)', 'line-color': '#9aa8bd', 'target-arrow-color': '#9aa8bd',
          'target-arrow-shape': 'triangle', 'curve-style': 'bezier', 'arrow-scale': 0.8,
          'font-size': 9, 'color': '#5b6678', 'text-rotation': 'autorotate' } },
        { selector: 'edge[label]', style: { 'label': 'data(label)' } },
        { selector: '.filtered', style: { 'display': 'none' } },
      ],
    });
    this.cy.on('tap', 'node', (event) => onSelect(event.target.id()));
    // The info panel opening beside it shrinks the graph: cytoscape must
    // know (or clicks land where nodes were), and the graph fit again.
    new ResizeObserver(() => {
      this.cy.resize();
      this.fit();
    }).observe(container);
    this.showEdgeLabels = true;
  }

  // names: /api/names; connects: /api/connects; rates: edge id -> messages/s.
  update(names, connects, rates) {
    const cy = this.cy;
    const nodeIds = new Set(names.map((n) => bytesKey(n.name)));
    let changed = false;
    cy.batch(() => {
      cy.nodes().forEach((node) => { if (!nodeIds.has(node.id())) { node.remove(); changed = true; } });
      for (const n of names) {
        const id = bytesKey(n.name);
        if (cy.getElementById(id).empty()) {
          cy.add({ group: 'nodes', data: { id, label: shown(n.name) } });
          changed = true;
        }
      }
      const edgeIds = new Set();
      this.showEdgeLabels = connects.length <= kEdgeLabelMax;
      for (const c of connects) {
        const source = bytesKey(c.from), target = bytesKey(c.to);
        if (!nodeIds.has(source) || !nodeIds.has(target)) continue;  // an end is gone
        const id = Graph.edgeId(c);
        edgeIds.add(id);
        const rate = rates.get(id) || 0;
        const data = { width: edgeWidth(rate), messages: c.messages, rate };
        if (this.showEdgeLabels && rate > 0) data.label = rate < 10 ? rate.toFixed(1) + '/s' : Math.round(rate) + '/s';
        const edge = cy.getElementById(id);
        if (edge.empty()) {
          cy.add({ group: 'edges', data: { id, source, target, ...data } });
          changed = true;
        } else {
          edge.data(data);
          if (!data.label) edge.removeData('label');
        }
      }
      cy.edges().forEach((edge) => { if (!edgeIds.has(edge.id())) edge.remove(); });
    });
    if (changed) this.layout();
  }

  static edgeId(connect) {
    return bytesKey(connect.from) + '\u0000' + bytesKey(connect.to);
  }

  layout() {
    const n = this.cy.nodes().length;
    const options = n <= kForceLayoutMax
      ? { name: 'cose', animate: false, randomize: true, nodeRepulsion: () => 400000, idealEdgeLength: () => 60,
          nodeOverlap: 20, gravity: 40, numIter: 1500, padding: 30 }
      : { name: 'concentric', animate: false, minNodeSpacing: 6, concentric: (node) => node.degree(),
          levelWidth: () => 1 };
    this.cy.layout(options).run();
    this.fit();
  }

  fit() {
    this.cy.fit(undefined, 30);
    // A few nodes fitted to a large screen would be drawn huge.
    if (this.cy.zoom() > 1.3) {
      this.cy.zoom(1.3);
      this.cy.center();
    }
  }

  // Hides the nodes whose id `keep` refuses (and so their edges).
  filter(keep) {
    this.cy.batch(() => {
      this.cy.nodes().forEach((node) => {
        if (keep(node.id())) node.removeClass('filtered'); else node.addClass('filtered');
      });
    });
  }

  select(id) {
    this.cy.nodes(':selected').unselect();
    const node = this.cy.getElementById(id);
    if (!node.empty()) node.select();
  }

  // What is on screen now: visible nodes and edges inside the viewport.
  drawn() {
    const view = this.cy.extent();
    const inView = (box) => box.x1 <= view.x2 && box.x2 >= view.x1 && box.y1 <= view.y2 && box.y2 >= view.y1;
    const on = (element) => element.visible() && inView(element.boundingBox());
    return {
      nodes: this.cy.nodes().filter(on).map((node) => node.data('label')),
      nodeIds: this.cy.nodes().filter(on).map((node) => node.id()),
      edges: this.cy.edges().filter(on).map((edge) => ({
        from: edge.source().data('label'), to: edge.target().data('label'),
        width: edge.data('width'), rate: edge.data('rate') })),
    };
  }
}
