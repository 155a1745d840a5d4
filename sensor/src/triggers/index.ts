// The registry of trigger kinds: adding a trigger is one file and one entry here.
import { argoWorkflow } from "./argo-workflow/index.js";
import { awsLambda } from "./aws-lambda.js";
import type { TriggerDefinition } from "./define.js";
import { http } from "./http.js";
import { k8s } from "./k8s/index.js";
import { kafka } from "./kafka.js";
import { log } from "./log.js";
import { slack } from "./slack/index.js";
import { email } from "./email/index.js";
import { msTeams } from "./ms-teams/index.js";
import { nats } from "./nats.js";
import { custom } from "./custom/index.js";
import { pulsar } from "./pulsar.js";

export const triggerDefinitions: ReadonlyMap<string, TriggerDefinition> = new Map<string, TriggerDefinition>(
  [http, awsLambda, k8s, argoWorkflow, kafka, log, slack, email, msTeams, nats, custom, pulsar].map((d) => [d.type, d as unknown as TriggerDefinition]),
);
