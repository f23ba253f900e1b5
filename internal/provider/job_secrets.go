package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Everything batchai_job does because the service never returns a job's secrets (secret environment
// variables, the container registry password, the storage keys of job-level mounts), as cluster_secrets.go
// does for clusters, whose helpers it shares:
//   - the schema: each secret as a Sensitive attribute stored in state, or a write-only `_wo` twin with its
//     `_wo_version`;
//   - the request: a secret comes from the plan, or for a write-only twin from the configuration;
//   - the read: a secret keeps its prior value;
//   - the import: an imported job's secrets are unknown, not absent, and the configuration's are adopted in
//     place (the private-state mark of cluster_secrets.go), since replacing a job would run it again.

// jobSecretAttributes are the job's secret environment variables, in their two forms.
func jobSecretAttributes() map[string]schema.Attribute {
	return map[string]schema.Attribute{
		"secrets": schema.MapAttribute{
			Optional:    true,
			Sensitive:   true,
			ElementType: types.StringType,
			MarkdownDescription: "Environment variables whose values the service never reports back, by name; " +
				"stored in state. Conflicts with `secrets_wo`. Changing them replaces the job.",
			Validators:    []validator.Map{conflictsWithSibling("secrets_wo")},
			PlanModifiers: []planmodifier.Map{replaceMapUnlessAdopting()},
		},
		"secrets_wo": schema.MapAttribute{
			Optional:    true,
			Sensitive:   true,
			WriteOnly:   true,
			ElementType: types.StringType,
			MarkdownDescription: "Like `secrets`, but write-only (never stored; Terraform >= 1.11): it can take " +
				"ephemeral values, such as the `download_url` of a `batchai_job_output_file`. Requires `secrets_wo_version`.",
			Validators: []validator.Map{mapvalidator.AlsoRequires(path.MatchRoot("secrets_wo_version"))},
		},
		"secrets_wo_version": schema.Int64Attribute{
			Optional: true,
			MarkdownDescription: "Any number; change it to send new `secrets_wo` (which replaces the job). Required " +
				"with `secrets_wo`.",
			Validators:    writeOnlyVersionOf("secrets_wo", "job").Validators,
			PlanModifiers: []planmodifier.Int64{replaceInt64UnlessAdopting()},
		},
	}
}

// jobContainerBlock is ContainerSettings: the image, and the credentials of a private registry.
func jobContainerBlock() schema.SingleNestedBlock {
	return schema.SingleNestedBlock{
		MarkdownDescription: "Run the job (and its preparation) in a Docker container. Changing anything replaces " +
			"the job.",
		PlanModifiers: []planmodifier.Object{requiresReplaceUnlessAdopting(adoptContainer)},
		Attributes: map[string]schema.Attribute{
			"image": schema.StringAttribute{
				Optional:            true, // required in the block: see requiredInBlock
				MarkdownDescription: "Required. The image, e.g. `tensorflow/tensorflow:1.8.0-gpu-py3`.",
				Validators:          []validator.String{requiredInBlock(), stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{requiresReplaceWhenNew()},
			},
			"server_url": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The registry, e.g. `myregistry.azurecr.io` (default: Docker Hub).",
			},
			"shm_size": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The size of `/dev/shm`, in Docker's format, e.g. `8g`.",
			},
		},
		Blocks: map[string]schema.Block{
			"credentials": schema.SingleNestedBlock{
				MarkdownDescription: "How to log in to a private registry: a user name, and the password in " +
					"exactly one form.",
				Attributes: map[string]schema.Attribute{
					"username": schema.StringAttribute{
						Optional:            true, // required in the block: see requiredInBlock
						MarkdownDescription: "Required. The user name.",
						Validators:          []validator.String{requiredInBlock(), stringvalidator.LengthAtLeast(1)},
						PlanModifiers:       []planmodifier.String{requiresReplaceWhenNew()},
					},
					"password": sensitiveString("The password, stored in state. Give exactly one of `password`, "+
						"`password_wo` or `password_secret_reference`.", "password_wo"),
					"password_wo": writeOnlyString("The password, write-only (never stored). Requires "+
						"`password_wo_version`.", "password_wo_version"),
					"password_wo_version": writeOnlyVersionOf("password_wo", "job"),
				},
				Blocks: map[string]schema.Block{
					"password_secret_reference": keyVaultSecretReferenceBlock("The password"),
				},
			},
		},
	}
}

// replaceMapUnlessAdopting and replaceInt64UnlessAdopting are RequiresReplace for a secret attribute, except
// that a value state never knew (an import) is adopted in place.
func replaceMapUnlessAdopting() planmodifier.Map {
	return mapplanmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.MapRequest, resp *mapplanmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !req.StateValue.IsNull() || !secretsUnknown(ctx, req.Private, &resp.Diagnostics)
		}, adoptingDescription, adoptingDescription)
}

func replaceInt64UnlessAdopting() planmodifier.Int64 {
	return int64planmodifier.RequiresReplaceIf(
		func(ctx context.Context, req planmodifier.Int64Request, resp *int64planmodifier.RequiresReplaceIfFuncResponse) {
			resp.RequiresReplace = !req.StateValue.IsNull() || !secretsUnknown(ctx, req.Private, &resp.Diagnostics)
		}, adoptingDescription, adoptingDescription)
}

const adoptingDescription = "Changing it replaces the resource, unless it only adopts a secret after an import."

// privateStateReader is the private state of a plan modifier's request.
type privateStateReader interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

// secretsUnknown reports whether the state carries the import's mark: its secrets are unknown, not absent.
func secretsUnknown(ctx context.Context, p privateStateReader, diags *diag.Diagnostics) bool {
	if p == nil {
		return false
	}
	mark, d := p.GetKey(ctx, clusterPrivateSecretsUnknown)
	diags.Append(d...)
	return mark != nil && !d.HasError()
}

func adoptContainer(ctx context.Context, plan, state types.Object, diags *diag.Diagnostics) types.Object {
	return adoptIn(ctx, plan, state, diags, func(p, s *jobContainerModel) {
		pc := objectAs[jobRegistryCredentialsModel](ctx, p.Credentials, diags)
		sc := objectAs[jobRegistryCredentialsModel](ctx, s.Credentials, diags)
		if pc == nil || sc == nil {
			return
		}
		pc.Password = adoptString(pc.Password, sc.Password)
		pc.PasswordWOVersion = adoptInt64(pc.PasswordWOVersion, sc.PasswordWOVersion)
		p.Credentials = objectFrom(ctx, jobRegistryCredentialsAttrTypes, pc, diags)
	})
}

// resourceJobContainer is the container settings: the API's view, the registry password from prior.
func resourceJobContainer(ctx context.Context, cs *api.ContainerSettings, prior types.Object, diags *diag.Diagnostics) types.Object {
	if cs == nil {
		return types.ObjectNull(jobContainerAttrTypes)
	}
	reg := api.Deref(cs.ImageSourceRegistry)
	out := jobContainerModel{
		Image:       stringValue(reg.Image),
		ServerURL:   stringValue(reg.ServerURL),
		ShmSize:     stringValue(cs.ShmSize),
		Credentials: types.ObjectNull(jobRegistryCredentialsAttrTypes),
	}
	if c := reg.Credentials; c != nil {
		creds := jobRegistryCredentialsModel{
			Username:                stringValue(c.Username),
			Password:                types.StringNull(),
			PasswordWO:              types.StringNull(),
			PasswordWOVersion:       types.Int64Null(),
			PasswordSecretReference: flattenKeyVaultSecretReference(ctx, c.PasswordSecretReference, diags),
		}
		if p := objectAs[jobContainerModel](ctx, prior, diags); p != nil {
			if pc := objectAs[jobRegistryCredentialsModel](ctx, p.Credentials, diags); pc != nil {
				creds.Password, creds.PasswordWOVersion = pc.Password, pc.PasswordWOVersion
			}
		}
		out.Credentials = objectFrom(ctx, jobRegistryCredentialsAttrTypes, &creds, diags)
	}
	return objectFrom(ctx, jobContainerAttrTypes, &out, diags)
}

// expandJobContainer builds ContainerSettings; the password comes from the plan, or its write-only twin from
// the configuration.
func expandJobContainer(ctx context.Context, plan, config types.Object, diags *diag.Diagnostics) *api.ContainerSettings {
	p := objectAs[jobContainerModel](ctx, plan, diags)
	if p == nil {
		return nil
	}
	reg := &api.ImageSourceRegistry{Image: stringPtr(p.Image), ServerURL: stringPtr(p.ServerURL)}
	if pc := objectAs[jobRegistryCredentialsModel](ctx, p.Credentials, diags); pc != nil {
		cc := &jobRegistryCredentialsModel{}
		if c := objectAs[jobContainerModel](ctx, config, diags); c != nil {
			if got := objectAs[jobRegistryCredentialsModel](ctx, c.Credentials, diags); got != nil {
				cc = got
			}
		}
		reg.Credentials = &api.PrivateRegistryCredentials{
			Username:                stringPtr(pc.Username),
			Password:                secretValue(pc.Password, cc.PasswordWO),
			PasswordSecretReference: expandKeyVaultSecretReference(ctx, pc.PasswordSecretReference, diags),
		}
	}
	return &api.ContainerSettings{ImageSourceRegistry: reg, ShmSize: stringPtr(p.ShmSize)}
}

// forEachJobSecretRule calls rule for every secret of a job that must be given in exactly one form: the
// registry password of container credentials, and the storage key of every Azure Files or blob mount.
// ValidateConfig refuses a secret given twice; the plan of a create requires each (requireJobSecretsForCreate):
// the configuration of an imported job may rightly have none.
func forEachJobSecretRule(ctx context.Context, m jobResourceModel, diags *diag.Diagnostics,
	rule func(at path.Path, exactlyOne bool, values ...named)) {
	if cs := objectAs[jobContainerModel](ctx, m.Container, diags); cs != nil {
		if cr := objectAs[jobRegistryCredentialsModel](ctx, cs.Credentials, diags); cr != nil {
			rule(path.Root("container").AtName("credentials"), true, named{"password", cr.Password},
				named{"password_wo", cr.PasswordWO}, named{"password_secret_reference", cr.PasswordSecretReference})
		}
	}
	forEachMountKeyRule(ctx, m.MountVolumes, path.Root("mount_volumes"), diags, rule)
}

// requireJobSecretsForCreate checks, in the plan of a create, that the configuration (which alone holds the
// write-only secrets) gives every secret the new job needs.
func requireJobSecretsForCreate(ctx context.Context, config tfsdk.Config, diags *diag.Diagnostics) {
	var m jobResourceModel
	if d := config.Get(ctx, &m); d.HasError() {
		diags.Append(d...)
		return
	}
	forEachJobSecretRule(ctx, m, diags, func(at path.Path, exactlyOne bool, values ...named) {
		requireOneOf(diags, at, exactlyOne, "argument", values...)
	})
}
