import { randomBytes, randomUUID } from "node:crypto";
import { err, ok, type Result } from "neverthrow";
import { z } from "zod";
import { senderError, type AwsError } from "./aws-errors";
import { localArn } from "./ids";
import type { JsonService } from "./json-service";
import { parseInput } from "./validation";

/*
 * The subset of Secrets Manager the project uses, with its versioning rules: every value is
 * a version with a VersionId (the request's ClientRequestToken, which the SDK fills in), and
 * staging labels AWSCURRENT / AWSPREVIOUS move as real Secrets Manager moves them.
 */

const CURRENT = "AWSCURRENT";
const PREVIOUS = "AWSPREVIOUS";

interface SecretVersion {
  readonly versionId: string;
  readonly secretString?: string;
  /** Base64, as the JSON protocol carries blobs. */
  readonly secretBinary?: string;
  readonly createdDate: number;
  readonly stages: Set<string>;
}

interface Secret {
  readonly arn: string;
  readonly name: string;
  description?: string;
  readonly createdDate: number;
  lastChangedDate: number;
  lastAccessedDate?: number;
  /** Set when deletion is scheduled: the secret then refuses reads until restored. */
  deletionDate?: number;
  readonly versions: Map<string, SecretVersion>;
}

/** A secret's AWSCURRENT version, as the inspector shows it. */
interface CurrentSecret {
  readonly arn: string;
  readonly name: string;
  readonly versionId: string;
  readonly secretString?: string;
}

/** What tests and the local stack can read or change without going through the SDK. */
export interface SecretsInspector {
  /** Creates the secret, or adds a version that becomes AWSCURRENT (a rotation). */
  put(name: string, secretString: string): { readonly arn: string; readonly versionId: string };
  /** The AWSCURRENT value of a secret, by name or ARN. */
  current(secretId: string): CurrentSecret | undefined;
  names(): readonly string[];
  clear(): void;
}

const secretName = z.string().regex(/^[A-Za-z0-9/_+=.@-]{1,512}$/, "must be 1-512 of A-Z a-z 0-9 /_+=.@-");
const secretId = z.string().min(1).max(2048);
const clientRequestToken = z.string().min(32).max(64).optional();
const secretValue = {
  SecretString: z.string().max(65536).optional(),
  SecretBinary: z.base64().optional(),
};

const createSecretInput = z.object({
  Name: secretName,
  Description: z.string().max(2048).optional(),
  ClientRequestToken: clientRequestToken,
  ...secretValue,
});
const getSecretValueInput = z.object({
  SecretId: secretId,
  VersionId: z.string().optional(),
  VersionStage: z.string().optional(),
});
const putSecretValueInput = z.object({
  SecretId: secretId,
  ClientRequestToken: clientRequestToken,
  VersionStages: z.array(z.string().min(1)).min(1).max(20).optional(),
  ...secretValue,
});
const updateSecretInput = z.object({
  SecretId: secretId,
  ClientRequestToken: clientRequestToken,
  Description: z.string().max(2048).optional(),
  ...secretValue,
});
const secretIdInput = z.object({ SecretId: secretId });
const deleteSecretInput = z.object({
  SecretId: secretId,
  RecoveryWindowInDays: z.number().int().min(7).max(30).optional(),
  ForceDeleteWithoutRecovery: z.boolean().optional(),
});

const invalidParameter = (message: string) => senderError("InvalidParameterException", message);
const notFound = () =>
  senderError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
const markedForDeletion = () =>
  senderError(
    "InvalidRequestException",
    "You can't perform this operation on the secret because it was marked for deletion.",
  );

const SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

const epochSeconds = (ms: number) => ms / 1000;

export class SecretsManagerService implements JsonService {
  readonly #secrets = new Map<string, Secret>();
  readonly #region: string;

  constructor(region: string) {
    this.#region = region;
  }

  handle(operation: string, input: unknown): Promise<Result<unknown, AwsError>> {
    return Promise.resolve(this.#dispatch(operation, input));
  }

  #dispatch(operation: string, input: unknown): Result<unknown, AwsError> {
    switch (operation) {
      case "CreateSecret":
        return parseInput(createSecretInput, input, invalidParameter).andThen((i) => this.#create(i));
      case "GetSecretValue":
        return parseInput(getSecretValueInput, input, invalidParameter).andThen((i) => this.#getValue(i));
      case "PutSecretValue":
        return parseInput(putSecretValueInput, input, invalidParameter).andThen((i) => this.#putValue(i));
      case "UpdateSecret":
        return parseInput(updateSecretInput, input, invalidParameter).andThen((i) => this.#update(i));
      case "DescribeSecret":
        return parseInput(secretIdInput, input, invalidParameter).andThen((i) => this.#describe(i.SecretId));
      case "DeleteSecret":
        return parseInput(deleteSecretInput, input, invalidParameter).andThen((i) => this.#delete(i));
      case "RestoreSecret":
        return parseInput(secretIdInput, input, invalidParameter).andThen((i) => this.#restore(i.SecretId));
      default:
        return err(
          senderError("UnknownOperationException", `${operation} is not served by the local Secrets Manager`),
        );
    }
  }

  get inspector(): SecretsInspector {
    return {
      put: (name, secretString) => {
        const existing = this.#secrets.get(name);
        const secret = existing ?? this.#newSecret(name);
        const version = this.#addVersion(secret, {
          versionId: randomUUID(),
          secretString,
          stages: [CURRENT],
        });
        return { arn: secret.arn, versionId: version.versionId };
      },
      current: (id) => {
        const secret = this.#find(id);
        const version = secret === undefined ? undefined : this.#byStage(secret, CURRENT);
        if (secret === undefined || version === undefined) return undefined;
        return {
          arn: secret.arn,
          name: secret.name,
          versionId: version.versionId,
          ...(version.secretString === undefined ? {} : { secretString: version.secretString }),
        };
      },
      names: () => [...this.#secrets.keys()],
      clear: () => this.#secrets.clear(),
    };
  }

  #create(input: z.infer<typeof createSecretInput>): Result<unknown, AwsError> {
    const existing = this.#secrets.get(input.Name);
    if (existing?.deletionDate !== undefined) {
      return err(
        senderError(
          "InvalidRequestException",
          "You can't create this secret because a secret with this name is already scheduled for deletion.",
        ),
      );
    }
    if (existing !== undefined) {
      return err(
        senderError(
          "ResourceExistsException",
          `The operation failed because the secret ${input.Name} already exists.`,
        ),
      );
    }
    return valueOf(input).andThen((value) => {
      const secret = this.#newSecret(input.Name);
      if (input.Description !== undefined) secret.description = input.Description;
      if (value === undefined) return ok({ ARN: secret.arn, Name: secret.name });
      const version = this.#addVersion(secret, {
        versionId: input.ClientRequestToken ?? randomUUID(),
        ...value,
        stages: [CURRENT],
      });
      return ok({ ARN: secret.arn, Name: secret.name, VersionId: version.versionId });
    });
  }

  #getValue(input: z.infer<typeof getSecretValueInput>): Result<unknown, AwsError> {
    return this.#readable(input.SecretId).andThen((secret) => {
      const version = this.#selectVersion(secret, input.VersionId, input.VersionStage);
      if (version === undefined) {
        const which =
          input.VersionId !== undefined
            ? `VersionId: ${input.VersionId}`
            : `staging label: ${input.VersionStage ?? CURRENT}`;
        return err(
          senderError(
            "ResourceNotFoundException",
            `Secrets Manager can't find the specified secret value for ${which}`,
          ),
        );
      }
      secret.lastAccessedDate = Date.now();
      return ok({
        ARN: secret.arn,
        Name: secret.name,
        VersionId: version.versionId,
        ...(version.secretString === undefined ? {} : { SecretString: version.secretString }),
        ...(version.secretBinary === undefined ? {} : { SecretBinary: version.secretBinary }),
        VersionStages: [...version.stages],
        CreatedDate: epochSeconds(version.createdDate),
      });
    });
  }

  #putValue(input: z.infer<typeof putSecretValueInput>): Result<unknown, AwsError> {
    return this.#readable(input.SecretId).andThen((secret) =>
      valueOf(input).andThen((value) => {
        if (value === undefined)
          return err(invalidParameter("You must provide either SecretString or SecretBinary."));
        return this.#newVersion(
          secret,
          input.ClientRequestToken ?? randomUUID(),
          value,
          input.VersionStages ?? [CURRENT],
        ).map((version) => ({
          ARN: secret.arn,
          Name: secret.name,
          VersionId: version.versionId,
          VersionStages: [...version.stages],
        }));
      }),
    );
  }

  #update(input: z.infer<typeof updateSecretInput>): Result<unknown, AwsError> {
    return this.#readable(input.SecretId).andThen((secret) =>
      valueOf(input).andThen((value) => {
        if (input.Description !== undefined) {
          secret.description = input.Description;
          secret.lastChangedDate = Date.now();
        }
        if (value === undefined) return ok({ ARN: secret.arn, Name: secret.name });
        return this.#newVersion(secret, input.ClientRequestToken ?? randomUUID(), value, [CURRENT]).map(
          (version) => ({
            ARN: secret.arn,
            Name: secret.name,
            VersionId: version.versionId,
          }),
        );
      }),
    );
  }

  #describe(id: string): Result<unknown, AwsError> {
    const secret = this.#find(id);
    if (secret === undefined) return err(notFound());
    const versionIdsToStages = Object.fromEntries(
      [...secret.versions.values()].filter((v) => v.stages.size > 0).map((v) => [v.versionId, [...v.stages]]),
    );
    return ok({
      ARN: secret.arn,
      Name: secret.name,
      ...(secret.description === undefined ? {} : { Description: secret.description }),
      CreatedDate: epochSeconds(secret.createdDate),
      LastChangedDate: epochSeconds(secret.lastChangedDate),
      ...(secret.lastAccessedDate === undefined
        ? {}
        : { LastAccessedDate: epochSeconds(secret.lastAccessedDate) }),
      ...(secret.deletionDate === undefined ? {} : { DeletedDate: epochSeconds(secret.deletionDate) }),
      VersionIdsToStages: versionIdsToStages,
    });
  }

  #delete(input: z.infer<typeof deleteSecretInput>): Result<unknown, AwsError> {
    if (input.ForceDeleteWithoutRecovery === true && input.RecoveryWindowInDays !== undefined) {
      return err(
        invalidParameter(
          "You can't use ForceDeleteWithoutRecovery in conjunction with RecoveryWindowInDays.",
        ),
      );
    }
    const secret = this.#find(input.SecretId);
    if (secret === undefined) return err(notFound());
    const now = Date.now();
    if (input.ForceDeleteWithoutRecovery === true) {
      this.#secrets.delete(secret.name);
      return ok({ ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(now) });
    }
    secret.deletionDate ??= now + (input.RecoveryWindowInDays ?? 30) * 86_400_000;
    return ok({ ARN: secret.arn, Name: secret.name, DeletionDate: epochSeconds(secret.deletionDate) });
  }

  #restore(id: string): Result<unknown, AwsError> {
    const secret = this.#find(id);
    if (secret === undefined) return err(notFound());
    delete secret.deletionDate;
    return ok({ ARN: secret.arn, Name: secret.name });
  }

  /** Adds a version unless its id exists: the same value again is an idempotent retry, another value a conflict. */
  #newVersion(
    secret: Secret,
    versionId: string,
    value: SecretValue,
    stages: readonly string[],
  ): Result<SecretVersion, AwsError> {
    const existing = secret.versions.get(versionId);
    if (existing === undefined) return ok(this.#addVersion(secret, { versionId, ...value, stages }));
    if (existing.secretString === value.secretString && existing.secretBinary === value.secretBinary)
      return ok(existing);
    return err(
      senderError(
        "ResourceExistsException",
        "You can't modify an existing version, you can only create a new version.",
      ),
    );
  }

  #addVersion(
    secret: Secret,
    spec: SecretValue & { versionId: string; stages: readonly string[] },
  ): SecretVersion {
    const now = Date.now();
    const version: SecretVersion = {
      versionId: spec.versionId,
      ...(spec.secretString === undefined ? {} : { secretString: spec.secretString }),
      ...(spec.secretBinary === undefined ? {} : { secretBinary: spec.secretBinary }),
      createdDate: now,
      stages: new Set(),
    };
    for (const stage of spec.stages) this.#moveStage(secret, stage, version);
    secret.versions.set(version.versionId, version);
    secret.lastChangedDate = now;
    return version;
  }

  /** A label is on one version at a time; moving AWSCURRENT leaves AWSPREVIOUS on the version it left. */
  #moveStage(secret: Secret, stage: string, to: SecretVersion): void {
    const from = this.#byStage(secret, stage);
    from?.stages.delete(stage);
    to.stages.add(stage);
    if (stage === CURRENT && from !== undefined && from !== to) {
      this.#byStage(secret, PREVIOUS)?.stages.delete(PREVIOUS);
      from.stages.add(PREVIOUS);
    }
  }

  #selectVersion(
    secret: Secret,
    versionId: string | undefined,
    stage: string | undefined,
  ): SecretVersion | undefined {
    if (versionId !== undefined) {
      const version = secret.versions.get(versionId);
      return stage === undefined || version?.stages.has(stage) === true ? version : undefined;
    }
    return this.#byStage(secret, stage ?? CURRENT);
  }

  #byStage(secret: Secret, stage: string): SecretVersion | undefined {
    for (const version of secret.versions.values()) if (version.stages.has(stage)) return version;
    return undefined;
  }

  #readable(id: string): Result<Secret, AwsError> {
    const secret = this.#find(id);
    if (secret === undefined) return err(notFound());
    if (secret.deletionDate !== undefined) return err(markedForDeletion());
    return ok(secret);
  }

  /** By name, full ARN, or partial ARN (without the random suffix), as Secrets Manager resolves SecretId. */
  #find(id: string): Secret | undefined {
    const byName = this.#secrets.get(id);
    if (byName !== undefined) return byName;
    for (const secret of this.#secrets.values()) {
      if (secret.arn === id || secret.arn.slice(0, -7) === id) return secret;
    }
    return undefined;
  }

  #newSecret(name: string): Secret {
    const now = Date.now();
    // Real ARNs end in "-" and 6 random characters, so code that builds ARNs from names breaks here too.
    const suffix = [...randomBytes(6)].map((byte) => SUFFIX_ALPHABET[byte % SUFFIX_ALPHABET.length]).join("");
    const secret: Secret = {
      arn: localArn("secretsmanager", this.#region, `secret:${name}-${suffix}`),
      name,
      createdDate: now,
      lastChangedDate: now,
      versions: new Map(),
    };
    this.#secrets.set(name, secret);
    return secret;
  }
}

interface SecretValue {
  readonly secretString?: string;
  readonly secretBinary?: string;
}

function valueOf(input: {
  SecretString?: string | undefined;
  SecretBinary?: string | undefined;
}): Result<SecretValue | undefined, AwsError> {
  if (input.SecretString !== undefined && input.SecretBinary !== undefined) {
    return err(
      invalidParameter(
        "You can't specify both a binary secret value and a string secret value in the same secret.",
      ),
    );
  }
  if (input.SecretString !== undefined) return ok({ secretString: input.SecretString });
  if (input.SecretBinary !== undefined) return ok({ secretBinary: input.SecretBinary });
  return ok(undefined);
}
