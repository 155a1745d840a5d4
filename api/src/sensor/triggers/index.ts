// The list of trigger kinds Impulse supports; the trigger template schema is derived from it.
import { ArgoWorkflowTriggerTemplate } from "./argo-workflow.js";
import { AwsLambdaTriggerTemplate } from "./aws-lambda.js";
import { HttpTriggerTemplate } from "./http.js";
import { K8sTriggerTemplate } from "./k8s.js";
import { KafkaTriggerTemplate } from "./kafka.js";
import { LogTriggerTemplate } from "./log.js";
import { SlackTriggerTemplate } from "./slack.js";
import { EmailTriggerTemplate } from "./email.js";
import { MsTeamsTriggerTemplate } from "./ms-teams.js";
import { NatsTriggerTemplate } from "./nats.js";
import { CustomTriggerTemplate } from "./custom.js";
import { PulsarTriggerTemplate } from "./pulsar.js";

export const triggerTemplateSchemas = {
  http: HttpTriggerTemplate,
  awsLambda: AwsLambdaTriggerTemplate,
  k8s: K8sTriggerTemplate,
  argoWorkflow: ArgoWorkflowTriggerTemplate,
  kafka: KafkaTriggerTemplate,
  log: LogTriggerTemplate,
  slack: SlackTriggerTemplate,
  email: EmailTriggerTemplate,
  msTeams: MsTeamsTriggerTemplate,
  nats: NatsTriggerTemplate,
  custom: CustomTriggerTemplate,
  pulsar: PulsarTriggerTemplate,
} as const;

export type TriggerKind = keyof typeof triggerTemplateSchemas;
export const TRIGGER_KINDS = Object.keys(triggerTemplateSchemas) as TriggerKind[];

/**
 * Every trigger kind Argo Events v1.9 has. A key of template: that is one of these but not in triggerTemplateSchemas is
 * named "not supported yet" instead of "unknown field"; the list is complete so adding a kind never edits it.
 */
export const ARGO_TRIGGER_KINDS = [
  "argoWorkflow", "awsLambda", "azureEventHubs", "azureServiceBus", "custom", "email", "http", "k8s", "kafka", "log",
  "nats", "openWhisk", "pulsar", "slack",
] as const;
