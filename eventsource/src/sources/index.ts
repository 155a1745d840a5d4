// The registry of source types: adding a source is one file and one entry here.
import type { EventSourceDefinition } from "../define.js";
import { webhook } from "./webhook/index.js";

export const sourceDefinitions: ReadonlyMap<string, EventSourceDefinition> = new Map<string, EventSourceDefinition>([[webhook.type, webhook]]);
