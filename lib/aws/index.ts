// The AWS adapters' public surface. They know nothing of Mark ID's HTTP API: they read the
// credentials, publish messages and keep shared state, and every failure is an AwsError value.
export {
  describeAwsError,
  fromAwsPromise,
  isConditionalCheckFailed,
  toAwsError,
  type AwsError,
  type AwsService,
} from "./aws-error";
export {
  awsClientConfig,
  awsClients,
  createAwsClients,
  type AwsClients,
  type AwsClientSettings,
  type AwsCredentialsInput,
} from "./clients";
export {
  createCredentialsProvider,
  describeCredentialsError,
  toMarkIdCredentialsSource,
  type CredentialsError,
  type CredentialsProvider,
  type CredentialsProviderOptions,
  type MarkIdApiCredentials,
  type MarkIdCredentialsSource,
  type RefreshedSecret,
} from "./credentials";
export {
  MARKID_SECRET_FIELDS,
  parseMarkIdSecret,
  type MarkIdSecret,
  type MarkIdSecretField,
  type SecretMalformedError,
} from "./markid-secret";
export { createNotifier, type Notifier, type NotifierOptions } from "./notifier";
export { alertSubject, SNS_SUBJECT_MAX_LENGTH, toSnsSubject } from "./sns-subject";
export {
  createStateTable,
  stateTableDefinition,
  STATE_TABLE_PARTITION_KEY,
  STATE_TABLE_TTL_ATTRIBUTE,
  type StateTable,
  type StateTableOptions,
} from "./state-table";
export {
  createSessionStore,
  type ClaimOptions,
  type ClaimOutcome,
  type SessionStore,
  type SessionStoreOptions,
  type StoredSession,
} from "./session-store";
export {
  createDeliveryStore,
  deliveryKey,
  type DeliveryIdentity,
  type DeliveryStore,
  type DeliveryStoreOptions,
} from "./delivery-store";
export { createAlertStateStore, type AlertStateStore, type Occurrence, type Resolution } from "./alert-state";
export { createAlerter, DEFAULT_ALERT_SEVERITY, type Alerter, type AlerterOptions } from "./alerts";
