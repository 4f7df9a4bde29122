/** A folder of a taxonomy's leaf tree, or a leaf (a qna.yaml) at its bottom. */
export interface LeafTreeNode {
  /** The folder's name, or for a leaf the name of the folder holding its qna.yaml. */
  name: string;
  /** The path from the taxonomy root ("knowledge/science/astronomy"). */
  path: string;
  children: LeafTreeNode[];
  /** Set on the node of a folder that holds a qna.yaml: that file's path. */
  leaf?: string;
}

/** The folder tree of the leaves' paths (`knowledge/science/astronomy/sun/qna.yaml` …), folders sorted by name. */
export function leafTree(leafPaths: readonly string[]): LeafTreeNode[] {
  const root: LeafTreeNode = { name: '', path: '', children: [] };
  for (const file of leafPaths) {
    const folders = file.split('/').slice(0, -1);
    let node = root;
    for (const name of folders) {
      const path = node.path ? `${node.path}/${name}` : name;
      let child = node.children.find((c) => c.name === name);
      if (!child) {
        child = { name, path, children: [] };
        node.children.push(child);
      }
      node = child;
    }
    node.leaf = file;
  }
  const sort = (n: LeafTreeNode): void => {
    n.children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    n.children.forEach(sort);
  };
  sort(root);
  return root.children;
}
