// `impulse events get ID`: one event's journey (ingest → each Sensor's decisions → attempts → outcome) and its data.
import { EXIT, openJournal, run, type BusFlags } from "./connect.js";
import { timeline } from "./format.js";

export function get(id: string, flags: BusFlags): Promise<number> {
  return run(flags, async () => {
    const journal = await openJournal(flags);
    try {
      const j = await journal.get(id);
      console.log(flags.json ? JSON.stringify(j) : timeline(j));
      return EXIT.ok;
    } finally {
      await journal.close();
    }
  });
}
