// The explorer's graph view: twins and relationships on a <canvas>, written to stay fluid with thousands of twins.
// Why it is shaped this way (ADT Explorer's SVG/DOM graph freezes on large graphs):
// - the layout is computed once, when the data arrives (layered per connected component, components packed on
//   shelves), never per frame;
// - nodes sit in a uniform grid index, so a frame visits only the cells on screen and a click tests a few cells;
// - a frame draws all edges in one path and the nodes in one path per colour, and stops after a fixed budget;
// - frames are drawn only when something changed (pan, zoom, selection, resize), through requestAnimationFrame.
window.doppelGraph = (() => {
  const views = new Map();
  let nextId = 1;
  const SPACING = 60;                 // world units between neighbouring nodes
  const CELL = SPACING * 4;           // grid index cell size
  const MAX_NODES_PER_FRAME = 40000;  // caps per-frame work whatever the zoom
  const MAX_EDGES_PER_FRAME = 60000;
  const LABEL_SCALE = 1;              // labels once a node spacing is 60 px on screen
  const CHAR_PX = 7;                  // about one character of the 12 px label font
  const MAX_LABELS = 600;
  const COLORS = ['#0078d4', '#8764b8', '#107c10', '#ca5010', '#038387', '#c239b3', '#986f0b', '#4f6bed', '#e3008c', '#498205'];

  // ---- layout (once per data set) ----
  function layout(n, edges) {
    // Undirected adjacency as CSR arrays: compact, and quick to walk for 5,000 nodes.
    const degree = new Int32Array(n);
    for (let i = 0; i < edges.length; i += 2) { degree[edges[i]]++; degree[edges[i + 1]]++; }
    const start = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) start[i + 1] = start[i] + degree[i];
    const adj = new Int32Array(start[n]);
    const fill = start.slice(0, n);
    for (let i = 0; i < edges.length; i += 2) { const a = edges[i], b = edges[i + 1]; adj[fill[a]++] = b; adj[fill[b]++] = a; }

    const x = new Float32Array(n), y = new Float32Array(n);
    const comp = new Int32Array(n).fill(-1), depth = new Int32Array(n);
    const components = [];
    const byDegree = Array.from({ length: n }, (_, i) => i).sort((a, b) => degree[b] - degree[a]);
    for (const root of byDegree) {
      if (comp[root] >= 0) continue;
      // Breadth-first from the best-connected node: its depth is the node's layer.
      const members = [root]; comp[root] = components.length; depth[root] = 0;
      for (let h = 0; h < members.length; h++) {
        const v = members[h];
        for (let k = start[v]; k < start[v + 1]; k++) {
          const w = adj[k];
          if (comp[w] < 0) { comp[w] = components.length; depth[w] = depth[v] + 1; members.push(w); }
        }
      }
      components.push(members);
    }

    // Lay out each component (singletons together in one block), then pack the boxes on shelves.
    const boxes = [];
    const singles = [];
    const order = new Float32Array(n);
    for (const members of components) {
      if (members.length === 1) { singles.push(members[0]); continue; }
      const layers = [];
      for (const v of members) (layers[depth[v]] ||= []).push(v);
      const wrap = Math.max(8, Math.ceil(Math.sqrt(members.length) * 1.5));
      let row = 0, width = 0;
      const placed = [], rows = [];
      layers.forEach((layer, d) => {
        // One barycentre pass: order a layer by its parents' positions, which removes most crossings cheaply.
        if (d > 0) {
          for (const v of layer) {
            let s = 0, c = 0;
            for (let k = start[v]; k < start[v + 1]; k++) { const w = adj[k]; if (depth[w] === d - 1 && comp[w] === comp[v]) { s += order[w]; c++; } }
            order[v] = c ? s / c : 0;
          }
          layer.sort((a, b) => order[a] - order[b]);
        }
        layer.forEach((v, i) => {
          order[v] = i;
          const r = row + Math.floor(i / wrap), col = i % wrap;
          placed.push(v); x[v] = col * SPACING; y[v] = r * SPACING;
          width = Math.max(width, col + 1);
          (rows[r] ||= []).push(v);
        });
        row += Math.ceil(layer.length / wrap) + 1;
      });
      // Centre each row under the widest, so a parent sits above its children.
      for (const r of rows) if (r) { const shift = (width - r.length) * SPACING / 2; for (const v of r) x[v] += shift; }
      boxes.push({ members: placed, w: width * SPACING, h: (row - 1) * SPACING });
    }
    if (singles.length) {
      const cols = Math.ceil(Math.sqrt(singles.length));
      singles.forEach((v, i) => { x[v] = (i % cols) * SPACING; y[v] = Math.floor(i / cols) * SPACING; });
      boxes.push({ members: singles, w: cols * SPACING, h: Math.ceil(singles.length / cols) * SPACING });
    }
    const area = boxes.reduce((s, b) => s + (b.w + SPACING * 2) * (b.h + SPACING * 2), 0);
    const shelfWidth = Math.max(Math.sqrt(area) * 1.3, ...boxes.map(b => b.w));
    let cx = 0, cy = 0, shelf = 0;
    for (const b of boxes) {
      if (cx > 0 && cx + b.w > shelfWidth) { cx = 0; cy += shelf + SPACING * 2; shelf = 0; }
      for (const v of b.members) { x[v] += cx; y[v] += cy; }
      cx += b.w + SPACING * 2; shelf = Math.max(shelf, b.h);
    }
    return { x, y };
  }

  function buildIndex(view) {
    const { x, y, n } = view;
    const cells = new Map();
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const key = cellKey(Math.floor(x[i] / CELL), Math.floor(y[i] / CELL));
      let list = cells.get(key); if (!list) cells.set(key, list = []);
      list.push(i);
      if (x[i] < minX) minX = x[i]; if (x[i] > maxX) maxX = x[i];
      if (y[i] < minY) minY = y[i]; if (y[i] > maxY) maxY = y[i];
    }
    view.cells = cells;
    view.bounds = n ? { minX, minY, maxX, maxY } : { minX: 0, minY: 0, maxX: 1, maxY: 1 };
    // Edges by endpoint, so a frame walks only the edges of the nodes on screen.
    const count = new Int32Array(n + 1);
    const e = view.edges;
    for (let i = 0; i < e.length; i += 2) { count[e[i] + 1]++; count[e[i + 1] + 1]++; }
    for (let i = 0; i < n; i++) count[i + 1] += count[i];
    const fill = count.slice(0, n), inc = new Int32Array(e.length);
    for (let i = 0; i < e.length; i += 2) { inc[fill[e[i]]++] = i; inc[fill[e[i + 1]]++] = i; }
    view.edgeStart = count; view.edgeOf = inc;
    view.visible = []; view.stamp = new Uint32Array(n); view.edgeStamp = new Uint32Array(e.length / 2); view.frame = 0;
  }

  const cellKey = (cx, cy) => (cx + 32768) * 65536 + (cy + 32768);

  // ---- drawing ----
  function draw(view) {
    view.pending = false;
    const t0 = performance.now();
    const { canvas } = view;
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) { canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr); }
    const ctx = view.ctx;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#fff'; ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (!view.n) { view.lastDraw = { ms: performance.now() - t0, nodes: 0, edges: 0 }; return; }
    const s = view.scale * dpr, ox = view.ox * dpr, oy = view.oy * dpr;
    ctx.setTransform(s, 0, 0, s, ox, oy);
    const x0 = -view.ox / view.scale, y0 = -view.oy / view.scale;
    const x1 = x0 + w / view.scale, y1 = y0 + h / view.scale;
    const margin = SPACING;
    const stamp = ++view.frame;

    // Visible nodes, cell by cell (the array is reused: no garbage per frame).
    const visible = view.visible; visible.length = 0;
    const c0x = Math.floor((x0 - margin) / CELL), c1x = Math.floor((x1 + margin) / CELL);
    const c0y = Math.floor((y0 - margin) / CELL), c1y = Math.floor((y1 + margin) / CELL);
    const cellsWide = (c1x - c0x + 1) * (c1y - c0y + 1);
    if (cellsWide > view.cells.size) {
      // Zoomed far out: walking the occupied cells is cheaper than walking the empty screen.
      for (const list of view.cells.values()) for (const i of list) { if (visible.length >= MAX_NODES_PER_FRAME) break; visible.push(i); }
    } else {
      for (let cx = c0x; cx <= c1x && visible.length < MAX_NODES_PER_FRAME; cx++)
        for (let cy = c0y; cy <= c1y; cy++) { const list = view.cells.get(cellKey(cx, cy)); if (list) for (const i of list) visible.push(i); }
    }
    for (const i of visible) view.stamp[i] = stamp;

    // Edges of visible nodes, each once, in one path.
    const { x, y, edges, edgeStart, edgeOf } = view;
    let drawnEdges = 0;
    ctx.beginPath();
    for (const i of visible) {
      for (let k = edgeStart[i]; k < edgeStart[i + 1] && drawnEdges < MAX_EDGES_PER_FRAME; k++) {
        const e = edgeOf[k];
        if (view.edgeStamp[e >> 1] === stamp) continue;
        view.edgeStamp[e >> 1] = stamp;
        const a = edges[e], b = edges[e + 1];
        ctx.moveTo(x[a], y[a]); ctx.lineTo(x[b], y[b]); drawnEdges++;
      }
    }
    ctx.lineWidth = 1 / view.scale; ctx.strokeStyle = 'rgba(96,94,92,0.45)'; ctx.stroke();

    // Nodes: one path per colour; small squares when far out (cheaper than arcs, and they look the same).
    const r = Math.max(6, 2.5 / view.scale);
    const round = view.scale * r > 3;
    const groups = view.groups;
    const paths = new Map();
    for (const i of visible) {
      const g = groups[i] % COLORS.length;
      let p = paths.get(g); if (!p) paths.set(g, p = new Path2D());
      if (round) { p.moveTo(x[i] + r, y[i]); p.arc(x[i], y[i], r, 0, 6.2832); } else p.rect(x[i] - r, y[i] - r, r * 2, r * 2);
    }
    for (const [g, p] of paths) { ctx.fillStyle = COLORS[g]; ctx.fill(p); }

    // The selection: the node ringed, its relationships in the accent colour.
    if (view.selected >= 0) {
      const i = view.selected;
      ctx.beginPath();
      for (let k = edgeStart[i]; k < edgeStart[i + 1]; k++) { const e = edgeOf[k]; ctx.moveTo(x[edges[e]], y[edges[e]]); ctx.lineTo(x[edges[e + 1]], y[edges[e + 1]]); }
      ctx.strokeStyle = '#d13438'; ctx.lineWidth = 2 / view.scale; ctx.stroke();
      ctx.beginPath(); ctx.arc(x[i], y[i], r * 1.8, 0, 6.2832); ctx.stroke();
    }

    // Labels only when they are readable and few.
    if (view.scale >= LABEL_SCALE && visible.length <= MAX_LABELS * 4) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.font = '12px "Segoe UI", system-ui, sans-serif'; ctx.fillStyle = '#201f1e'; ctx.textAlign = 'center';
      let labels = 0;
      // A label gets the room between two nodes; a long id keeps its end (the distinctive part of DTMIs and
      // numbered twins) after an ellipsis.
      const room = Math.max(4, Math.floor(SPACING * view.scale / CHAR_PX) - 1);
      for (const i of visible) {
        const sx = x[i] * view.scale + view.ox, sy = y[i] * view.scale + view.oy;
        if (sx < -50 || sy < -20 || sx > w + 50 || sy > h + 20) continue;
        const id = view.ids[i];
        ctx.fillText(id.length > room ? '…' + id.slice(id.length - room + 1) : id, sx, sy + r * view.scale + 13);
        if (++labels >= MAX_LABELS) break;
      }
    }
    view.lastDraw = { ms: performance.now() - t0, nodes: visible.length, edges: drawnEdges };
  }

  function invalidate(view) {
    if (!view.pending) { view.pending = true; requestAnimationFrame(() => draw(view)); }
  }

  function fit(view) {
    const b = view.bounds, w = view.canvas.clientWidth || 800, h = view.canvas.clientHeight || 600;
    const bw = b.maxX - b.minX + SPACING * 2, bh = b.maxY - b.minY + SPACING * 2;
    view.scale = Math.min(2, Math.min(w / bw, h / bh));
    view.ox = (w - (b.maxX + b.minX) * view.scale) / 2; view.oy = (h - (b.maxY + b.minY) * view.scale) / 2;
  }

  function hit(view, px, py) {
    const wx = (px - view.ox) / view.scale, wy = (py - view.oy) / view.scale;
    const radius = Math.max(10, 8 / view.scale);
    let best = -1, bestD = radius * radius;
    const cx = Math.floor(wx / CELL), cy = Math.floor(wy / CELL);
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) {
      const list = view.cells.get(cellKey(cx + dx, cy + dy)); if (!list) continue;
      for (const i of list) { const d = (view.x[i] - wx) ** 2 + (view.y[i] - wy) ** 2; if (d < bestD) { bestD = d; best = i; } }
    }
    return best;
  }

  function select(view, i, notify) {
    view.selected = i; invalidate(view);
    if (notify && view.dotnet && i >= 0) view.dotnet.invokeMethodAsync('OnNodeClicked', view.ids[i]);
  }

  function attach(view) {
    const c = view.canvas;
    let down = null;
    c.addEventListener('pointerdown', e => { down = { x: e.offsetX, y: e.offsetY, ox: view.ox, oy: view.oy, moved: false }; c.setPointerCapture(e.pointerId); });
    c.addEventListener('pointermove', e => {
      if (!down) return;
      const dx = e.offsetX - down.x, dy = e.offsetY - down.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) down.moved = true;
      view.ox = down.ox + dx; view.oy = down.oy + dy; invalidate(view);
    });
    c.addEventListener('pointerup', e => { if (down && !down.moved) select(view, hit(view, e.offsetX, e.offsetY), true); down = null; });
    c.addEventListener('wheel', e => { e.preventDefault(); zoomAt(view, e.offsetX, e.offsetY, Math.exp(-e.deltaY * 0.0015)); }, { passive: false });
    c.addEventListener('keydown', e => {
      const step = 60, keys = { ArrowLeft: [step, 0], ArrowRight: [-step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (keys[e.key]) { view.ox += keys[e.key][0]; view.oy += keys[e.key][1]; invalidate(view); e.preventDefault(); }
      else if (e.key === '+' || e.key === '=') zoomAt(view, c.clientWidth / 2, c.clientHeight / 2, 1.25);
      else if (e.key === '-') zoomAt(view, c.clientWidth / 2, c.clientHeight / 2, 0.8);
      else if (e.key === '0') { fit(view); invalidate(view); }
    });
    view.resize = new ResizeObserver(() => invalidate(view));
    view.resize.observe(c);
  }

  function zoomAt(view, px, py, factor) {
    const s = Math.min(8, Math.max(0.002, view.scale * factor));
    view.ox = px - (px - view.ox) * (s / view.scale); view.oy = py - (py - view.oy) * (s / view.scale); view.scale = s; invalidate(view);
  }

  return {
    /** Attaches a view to a canvas; returns its handle. dotnet (optional) receives OnNodeClicked(id). */
    create(canvas, dotnet) {
      const view = { canvas, ctx: canvas.getContext('2d', { alpha: false }), dotnet, n: 0, ids: [], groups: [], edges: new Int32Array(0), selected: -1, scale: 1, ox: 0, oy: 0 };
      buildIndex(Object.assign(view, { x: new Float32Array(0), y: new Float32Array(0) }));
      attach(view);
      const id = nextId++; views.set(id, view); invalidate(view); return id;
    },
    /** Replaces the data: ids (strings), groups (colour index per node), edges (flat source,target index pairs). */
    setData(id, data) {
      const view = views.get(id); if (!view) return;
      const t0 = performance.now();
      view.ids = data.ids; view.groups = data.groups; view.n = data.ids.length; view.edges = Int32Array.from(data.edges);
      const { x, y } = layout(view.n, view.edges);
      view.x = x; view.y = y; view.selected = -1;
      buildIndex(view); fit(view);
      view.layoutMs = performance.now() - t0;
      invalidate(view);
      return view.layoutMs;
    },
    /** Selects a node by id and centres it (from a list outside the canvas). */
    focus(id, nodeId) {
      const view = views.get(id); if (!view) return;
      const i = view.ids.indexOf(nodeId); if (i < 0) return;
      const w = view.canvas.clientWidth, h = view.canvas.clientHeight;
      view.scale = Math.max(view.scale, 1);
      view.ox = w / 2 - view.x[i] * view.scale; view.oy = h / 2 - view.y[i] * view.scale; select(view, i, false);
    },
    /** Pans the view by (dx, dy) screen pixels `frames` times, drawing each frame at once; returns the draw times. */
    measurePan(id, frames, dx, dy) {
      const view = views.get(id); const times = [];
      // Warm-up frames first, so the figures are the steady state rather than the JIT compiling draw().
      for (let f = 0; f < 20; f++) { view.ox += dx; view.oy += dy; draw(view); }
      for (let f = 0; f < frames; f++) { view.ox += dx; view.oy += dy; draw(view); times.push(view.lastDraw.ms); }
      times.sort((a, b) => a - b);
      const at = q => times[Math.min(frames - 1, Math.floor(frames * q))];
      return { frames, mean: times.reduce((a, b) => a + b, 0) / frames, median: at(0.5), p95: at(0.95), max: times[frames - 1], nodes: view.lastDraw.nodes, edges: view.lastDraw.edges, layoutMs: view.layoutMs };
    },
    /** Zooms the view by a factor about its centre. */
    zoom(id, factor) { const v = views.get(id); if (v) zoomAt(v, v.canvas.clientWidth / 2, v.canvas.clientHeight / 2, factor); },
    /** Fits the whole graph on screen. */
    fit(id) { const v = views.get(id); if (v) { fit(v); invalidate(v); } },
    /** The last frame's figures (for tests). */
    stats(id) { const v = views.get(id); return v ? { n: v.n, edges: v.edges.length / 2, ...v.lastDraw, layoutMs: v.layoutMs } : null; },
    dispose(id) { const v = views.get(id); if (v) { v.resize?.disconnect(); v.dotnet = null; views.delete(id); } },
  };
})();
