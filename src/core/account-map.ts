// Values by account (system, target, id), for the lookups made once per grant. A key joined from
// the three (accountKey) is a new string to build and hash on every lookup: at 200,000 grants
// that was most of a second of evaluate and report. Here each level is keyed by the record's own
// string, which V8 hashes once and remembers, and the levels keep the parts apart whatever they
// hold. There are few systems and targets, so the nesting costs a few hundred Maps.

export class AccountMap<V> {
  readonly #systems = new Map<string, Map<string, Map<string, V>>>();

  /** One entry per record, the later of two for the same account winning, as a Map's would. */
  static of<T, V>(records: Iterable<T>, entry: (record: T) => [system: string, target: string, id: string, V]) {
    const map = new AccountMap<V>();
    for (const record of records) map.set(...entry(record));
    return map;
  }

  get(system: string, target: string, id: string): V | undefined {
    return this.#systems.get(system)?.get(target)?.get(id);
  }

  has(system: string, target: string, id: string): boolean {
    return this.#systems.get(system)?.get(target)?.has(id) ?? false;
  }

  set(system: string, target: string, id: string, value: V): this {
    this.#ids(system, target).set(id, value);
    return this;
  }

  /** The account's value, made by `create` the first time it is asked for and kept. */
  upsert(system: string, target: string, id: string, create: () => V): V {
    const ids = this.#ids(system, target);
    if (ids.has(id)) return ids.get(id) as V;
    const value = create();
    ids.set(id, value);
    return value;
  }

  #ids(system: string, target: string): Map<string, V> {
    let targets = this.#systems.get(system);
    if (!targets) {
      targets = new Map();
      this.#systems.set(system, targets);
    }
    let ids = targets.get(target);
    if (!ids) {
      ids = new Map();
      targets.set(target, ids);
    }
    return ids;
  }
}
