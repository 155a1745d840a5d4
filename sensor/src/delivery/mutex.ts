// Runs async sections one after another (per trigger), without blocking other triggers.
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(section: () => Promise<T>): Promise<T> {
    const result = this.tail.then(section);
    // The chain continues whether the section succeeded or not.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
