// Schema of `template.awsLambda`: one Lambda Invoke per firing, with Argo's fields and two documented Impulse extensions.
import { z } from "zod";
import { HttpUrl, SecretKeySelector } from "../../common/types.js";
import { TriggerParameter } from "../parameters.js";

export const LAMBDA_INVOCATION_TYPES = ["RequestResponse", "Event", "DryRun"] as const;
export type LambdaInvocationType = (typeof LAMBDA_INVOCATION_TYPES)[number];

export const AwsLambdaTriggerTemplate = z
  .strictObject({
    functionName: z.string().min(1).describe("Name, ARN or partial ARN of the function to invoke."),
    region: z.string().min(1).optional().describe("AWS region (e.g. us-east-1). Argo requires it; Impulse falls back to the AWS SDK's region chain (AWS_REGION)."),
    accessKey: SecretKeySelector.optional().describe("Secret holding the access key id. Without accessKey/secretKey the AWS SDK's default credential chain is used (env, profile, IRSA, instance role)."),
    secretKey: SecretKeySelector.optional().describe("Secret holding the secret access key."),
    roleARN: z.string().regex(/^arn:[\w-]+:iam::\d{12}:role\/.+$/, "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)").optional().describe("Role to assume with STS before invoking."),
    invocationType: z.enum(LAMBDA_INVOCATION_TYPES).optional().describe("RequestResponse (default: synchronous), Event (asynchronous, 202) or DryRun (checks permissions, 204)."),
    payload: z.array(TriggerParameter).optional().describe("Builds the JSON event the function receives."),
    parameters: z.array(TriggerParameter).optional().describe("Parameters applied to this awsLambda template (e.g. dest: functionName)."),
    endpoint: HttpUrl.optional()
      .describe("Impulse: Lambda (and STS) endpoint URL instead of AWS's, e.g. LocalStack or a local emulator."),
    functionErrorIsSuccess: z
      .boolean()
      .optional()
      .describe("Impulse: count an invocation whose function threw (FunctionError) as success, as Argo does. Default false: it is a failure, retried and dead-lettered."),
  })
  .refine((t) => (t.accessKey === undefined) === (t.secretKey === undefined), {
    message: "set accessKey and secretKey together, or neither (then the AWS SDK's default credential chain is used)",
    path: ["secretKey"],
  })
  .describe("Invokes an AWS Lambda function.");
export type AwsLambdaTriggerTemplate = z.output<typeof AwsLambdaTriggerTemplate>;
