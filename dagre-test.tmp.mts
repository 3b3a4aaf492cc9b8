import { Graph, layout } from "@dagrejs/dagre";
for (const n of [100, 500, 1000]) {
  const g = new Graph();
  g.setGraph({ rankdir: "LR", nodesep: 30, ranksep: 80 });
  g.setDefaultEdgeLabel(() => ({}));
  for (let i = 0; i < n; i++) g.setNode("s" + i, { width: 240, height: 100 });
  for (let i = 1; i < n; i++) { g.setEdge("s" + Math.floor((i - 1) / 3), "s" + i); if (i > 5) g.setEdge("s" + (i - 5), "s" + i); }
  const t = performance.now();
  layout(g);
  console.log(n, Math.round(performance.now() - t), "ms");
}
