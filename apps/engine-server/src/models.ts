import type { ServedModel } from '@platform/engine';

/** The models one server process serves, looked up by served name; the first one is the default. */
export class ModelRegistry {
  private readonly byName = new Map<string, ServedModel>();

  constructor(readonly all: readonly ServedModel[]) {
    if (all.length === 0) throw new Error('engine server needs at least one model');
    for (const m of all) {
      if (this.byName.has(m.id)) throw new Error(`two models are served as "${m.id}"`);
      this.byName.set(m.id, m);
    }
  }

  get default(): ServedModel {
    return this.all[0];
  }

  /** The named model, the default when no name is given, or undefined for an unknown name. */
  find(name: string | undefined): ServedModel | undefined {
    return name === undefined ? this.default : this.byName.get(name);
  }
}
