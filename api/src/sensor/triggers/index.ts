// The list of trigger kinds Impulse supports; the trigger template schema is derived from it.
import { ArgoWorkflowTriggerTemplate } from "./argo-workflow.js";
import { AwsLambdaTriggerTemplate } from "./aws-lambda.js";
import { HttpTriggerTemplate } from "./http.js";
import { K8sTriggerTemplate } from "./k8s.js";
import { KafkaTriggerTemplate } from "./kafka.js";
import { LogTriggerTemplate } from "./log.js";

export const triggerTemplateSchemas = {
  http: HttpTriggerTemplate,
  awsLambda: AwsLambdaTriggerTemplate,
  k8s: K8sTriggerTemplate,
  argoWorkflow: ArgoWorkflowTriggerTemplate,
  kafka: KafkaTriggerTemplate,
  log: LogTriggerTemplate,
} as const;

export type TriggerKind = keyof typeof triggerTemplateSchemas;
export const TRIGGER_KINDS = Object.keys(triggerTemplateSchemas) as TriggerKind[];

/** Kinds Argo Events has that Impulse does not run yet: named in errors instead of "unknown field". */
export const ARGO_TRIGGER_KINDS = [
  "azureEventHubs", "azureServiceBus", "pulsar", "nats", "slack",
  "openWhisk", "custom", "email",
] as const;
