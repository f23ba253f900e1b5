package provider

import (
	"context"
	"fmt"
	pathpkg "path"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/helpers/validatordiag"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/vmsize"
)

// Plan-time checks of arguments: the attribute validators of every schema, and requireOneOf, which the
// resources' ValidateConfig use for rules that span the attributes of a block. Each error names the
// attribute (the framework adds the path; the messages repeat it so that it also shows where Terraform
// prints no source snippet).

// resourceGroupNameMaxLength is ARM's limit for resource group names.
const resourceGroupNameMaxLength = 90

// batchAINameValidators check a workspace, cluster or file server name against the 2018-05-01 spec at plan
// time (pattern ^[-\w_]+$, 1 to 64 characters). The framework prefixes each message with the attribute path.
func batchAINameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, api.NameMaxLength),
		stringvalidator.RegexMatches(api.NamePattern,
			fmt.Sprintf("may contain only letters, digits, '-' and '_' (pattern %s)", api.NamePattern)),
	}
}

// resourceGroupNameValidators check a resource group name (pattern ^[-\w\._]+$, 1 to 90 characters).
func resourceGroupNameValidators() []validator.String {
	return []validator.String{
		stringvalidator.LengthBetween(1, resourceGroupNameMaxLength),
		stringvalidator.RegexMatches(api.ResourceGroupNamePattern,
			fmt.Sprintf("may contain only letters, digits, '-', '_' and '.' (pattern %s)", api.ResourceGroupNamePattern)),
	}
}

var (
	// octalModePattern is a file or directory mode such as 0777.
	octalModePattern = regexp.MustCompile(`^0[0-7]{3}$`)
	// keyVaultSecretURLPattern is an https URL of a Key Vault secret, as the service requires.
	keyVaultSecretURLPattern = regexp.MustCompile(`^https://[^/\s]+/secrets/[^\s]+$`)
)

// armIDValidator checks that a string is the ARM ID of a resource of the given provider namespace and
// type path (e.g. "Microsoft.Network", "virtualNetworks", "subnets"), as the service checks every
// reference; the fixed segments match case-insensitively, like ARM.
func armIDValidator(namespace string, types ...string) validator.String {
	pattern := `(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/` + regexp.QuoteMeta(namespace)
	shape := "/subscriptions/{subscription}/resourceGroups/{group}/providers/" + namespace
	for _, t := range types {
		pattern += "/" + regexp.QuoteMeta(t) + "/[^/]+"
		shape += "/" + t + "/{name}"
	}
	return stringvalidator.RegexMatches(regexp.MustCompile(pattern+"$"), "must be an ARM ID of the form "+shape)
}

func subnetIDValidator() validator.String {
	return armIDValidator("Microsoft.Network", "virtualNetworks", "subnets")
}

// clusterVMSizeRejection says why the service would reject size, or "" when it accepts it.
func clusterVMSizeRejection(size string) string {
	switch vmsize.Excluded(size) {
	case vmsize.ExcludedA0:
		return "Batch AI does not support STANDARD_A0"
	case vmsize.ExcludedPremiumStorage:
		return "Batch AI does not support premium-storage VM sizes (the STANDARD_GS, STANDARD_DS and STANDARD_DSV2 series)"
	}
	return ""
}

// supportedVMSize rejects the VM sizes the service rejects, at plan time instead of after the PUT: the
// refused series, and every name outside the table of sizes it accepted (internal/vmsize), with the closest
// names it did accept.
func supportedVMSize() validator.String {
	return clusterVMSizeValidator{
		description: "must be a VM size Batch AI supports (one of internal/vmsize; not STANDARD_A0, STANDARD_GS*, STANDARD_DS* or STANDARD_DS*_V2)",
	}
}

// vmSizeSuggestions is how many close sizes an unknown size's error names.
const vmSizeSuggestions = 3

type clusterVMSizeValidator struct{ description }

func (clusterVMSizeValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	size := req.ConfigValue.ValueString()
	if size == "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid VM Size", fmt.Sprintf("Attribute %s must not be empty.", req.Path))
		return
	}
	if why := clusterVMSizeRejection(size); why != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Unsupported VM Size",
			fmt.Sprintf("Attribute %s is %q: %s. Choose another size, e.g. Standard_NC6 or Standard_D2_v2.", req.Path, size, why))
		return
	}
	if _, ok := vmsize.Lookup(size); !ok {
		nearest := vmsize.Closest(size, vmSizeSuggestions)
		resp.Diagnostics.AddAttributeError(req.Path, "Unknown VM Size",
			fmt.Sprintf("Attribute %s is %q, which is not a VM size Batch AI supported (sizes are compared "+
				"case-insensitively). The closest supported sizes are %s and %s.", req.Path, size,
				strings.Join(nearest[:len(nearest)-1], ", "), nearest[len(nearest)-1]))
	}
}

// sshPublicKey checks the admin SSH key has the only format Batch AI nodes took: one OpenSSH RSA key line
// ("ssh-rsa AAAA..."). The message never quotes the key.
func sshPublicKey() validator.String {
	return sshPublicKeyValidator{
		description: "must be an OpenSSH RSA public key (the content of ~/.ssh/id_rsa.pub, starting with 'ssh-rsa ')",
	}
}

type sshPublicKeyValidator struct{ description }

func (v sshPublicKeyValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	key := strings.TrimSpace(req.ConfigValue.ValueString())
	if !strings.HasPrefix(key, "ssh-rsa ") || strings.ContainsAny(key, "\r\n") {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid SSH Public Key",
			fmt.Sprintf("Attribute %s %s; give the key itself, e.g. file(\"~/.ssh/id_rsa.pub\"), not a path or a private key.",
				req.Path, v.Description(ctx)))
	}
}

// workspaceID checks that a string is a Batch AI workspace ARM ID.
func workspaceID() validator.String {
	return workspaceIDValidator{
		description: "must be a Batch AI workspace ID: /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.BatchAI/workspaces/{workspace}",
	}
}

type workspaceIDValidator struct{ description }

func (workspaceIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	id, err := api.ParseWorkspaceID(req.ConfigValue.ValueString())
	if err == nil {
		err = api.ValidateName(id.Name)
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Workspace ID",
			fmt.Sprintf("Attribute %s must be the ID of a batchai_workspace (usually batchai_workspace.<name>.id): %s", req.Path, err))
	}
}

// clusterID checks that a string is a Batch AI cluster ARM ID.
func clusterID() validator.String {
	return clusterIDValidator{
		description: "must be a Batch AI cluster ID: /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.BatchAI/workspaces/{workspace}/clusters/{cluster}",
	}
}

type clusterIDValidator struct{ description }

func (clusterIDValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	id, err := api.ParseClusterID(req.ConfigValue.ValueString())
	if err == nil {
		err = api.ValidateName(id.Name)
	}
	if err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Batch AI Cluster ID",
			fmt.Sprintf("Attribute %s must be the ID of a cluster (usually batchai_cluster.<name>.id): %s", req.Path, err))
	}
}

// positiveDuration checks that a string is a Go duration greater than zero, such as 30m or 1h30m.
func positiveDuration() validator.String {
	return positiveDurationValidator{description: "must be a duration greater than zero, such as `30m` or `1h30m`"}
}

type positiveDurationValidator struct{ description }

func (v positiveDurationValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("Attribute %s %s, got %q.", req.Path, v.Description(ctx), req.ConfigValue.ValueString()))
	}
}

// atLeastSibling requires an int64 attribute to be at least the value of a sibling attribute, e.g.
// maximum_node_count >= minimum_node_count.
func atLeastSibling(sibling string) validator.Int64 {
	return atLeastSiblingValidator{description: description("must be greater than or equal to " + sibling), sibling: sibling}
}

type atLeastSiblingValidator struct {
	description
	sibling string
}

func (v atLeastSiblingValidator) ValidateInt64(ctx context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	siblingPath := req.Path.ParentPath().AtName(v.sibling)
	var other types.Int64
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, siblingPath, &other)...)
	if other.IsNull() || other.IsUnknown() {
		return
	}
	if req.ConfigValue.ValueInt64() < other.ValueInt64() {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Node Count Range",
			fmt.Sprintf("Attribute %s (%d) must be greater than or equal to %s (%d).",
				req.Path, req.ConfigValue.ValueInt64(), siblingPath, other.ValueInt64()))
	}
}

// atLeastOneNestedBlock requires a present block to hold at least one element in one of its list
// blocks: an empty mount_volumes {} would send nothing and read back as absent.
func atLeastOneNestedBlock() validator.Object {
	return atLeastOneNestedBlockValidator{description: "must contain at least one nested block"}
}

type atLeastOneNestedBlockValidator struct{ description }

func (atLeastOneNestedBlockValidator) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	attrs := req.ConfigValue.Attributes()
	names := make([]string, 0, len(attrs))
	for name, v := range attrs {
		names = append(names, name)
		if l, ok := v.(types.List); ok && (l.IsUnknown() || len(l.Elements()) > 0) {
			return
		}
		if _, ok := v.(types.List); !ok && !v.IsNull() {
			return
		}
	}
	sort.Strings(names)
	resp.Diagnostics.AddAttributeError(req.Path, "Empty Block",
		fmt.Sprintf("Block %s must contain at least one of: %s.", req.Path, strings.Join(names, ", ")))
}

var (
	_ validator.String = requiredInBlockValidator{}
	_ validator.Int64  = requiredInBlockValidator{}
)

// requiredInBlock makes an attribute of a single nested block required when the block is present. The
// attribute itself must be Optional: the framework enforces Required even inside an absent single nested
// block, which would make every optional block mandatory.
func requiredInBlock() requiredInBlockValidator {
	return requiredInBlockValidator{description: "required when its block is present"}
}

type requiredInBlockValidator struct{ description }

func (requiredInBlockValidator) check(ctx context.Context, p path.Path, value attr.Value, config tfsdk.Config, diags *diag.Diagnostics) {
	if !value.IsNull() {
		return
	}
	var parent types.Object
	diags.Append(config.GetAttribute(ctx, p.ParentPath(), &parent)...)
	if parent.IsNull() || parent.IsUnknown() {
		return
	}
	diags.AddAttributeError(p, "Missing Required Argument",
		fmt.Sprintf("The argument %s is required when the %s block is present.", p, p.ParentPath()))
}

func (v requiredInBlockValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	v.check(ctx, req.Path, req.ConfigValue, req.Config, &resp.Diagnostics)
}

func (v requiredInBlockValidator) ValidateInt64(ctx context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	v.check(ctx, req.Path, req.ConfigValue, req.Config, &resp.Diagnostics)
}

// relativeMountPath checks a mount's relative_mount_path: a plain relative path under $AZ_BATCHAI_MOUNT_ROOT,
// without a leading or trailing "/", empty segments, or "." and ".." segments. The service joins it to the
// mount root; "/abs/../x" would name another directory than it reads, and reading the cluster back matches
// each mount's secrets by this path.
func relativeMountPath() validator.String {
	return relativeMountPathValidator{
		description: "must be a relative path under $AZ_BATCHAI_MOUNT_ROOT without \"/\" at either end, empty, \".\" or \"..\" segments",
	}
}

type relativeMountPathValidator struct{ description }

func (relativeMountPathValidator) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	p := req.ConfigValue.ValueString()
	if normalMountPath(p) {
		return
	}
	detail := fmt.Sprintf("Attribute %s is %q: it must be a path relative to $AZ_BATCHAI_MOUNT_ROOT, without a "+
		"leading or trailing \"/\", empty segments, or \".\" and \"..\" segments, such as \"afs\" or \"data/afs\".", req.Path, p)
	if clean := strings.Trim(pathpkg.Clean("/"+p), "/"); clean != "" && clean != p {
		detail += fmt.Sprintf(" Did you mean %q?", clean)
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Relative Mount Path", detail)
}

// normalMountPath reports whether p is a relative path with nothing to normalise.
func normalMountPath(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return false
		}
	}
	return true
}

// requireDistinctMountPaths reports every mount of mount_volumes (at) whose relative_mount_path another mount
// already uses: two file systems cannot be mounted on one directory, and the second would hide the first.
// lists are the mount lists by block name, in the order their mounts are reported; unknown values are
// skipped.
func requireDistinctMountPaths(diags *diag.Diagnostics, at path.Path, names []string, lists map[string]types.List) {
	first := map[string]path.Path{}
	for _, name := range names {
		l := lists[name]
		if l.IsNull() || l.IsUnknown() {
			continue
		}
		for i, elem := range l.Elements() {
			obj, ok := elem.(types.Object)
			if !ok || obj.IsNull() || obj.IsUnknown() {
				continue
			}
			v, ok := obj.Attributes()["relative_mount_path"].(types.String)
			if !ok || v.IsNull() || v.IsUnknown() {
				continue
			}
			here := at.AtName(name).AtListIndex(i).AtName("relative_mount_path")
			if other, dup := first[v.ValueString()]; dup {
				diags.AddAttributeError(here, "Duplicate Relative Mount Path",
					fmt.Sprintf("Attribute %s is %q, which is also the relative_mount_path of %s: each mount needs its "+
						"own directory under $AZ_BATCHAI_MOUNT_ROOT.", here, v.ValueString(), other))
				continue
			}
			first[v.ValueString()] = here
		}
	}
}

// conflictsWithSibling is the validators library's ConflictsWith for another attribute of the same object (the
// classic form of a secret and its write-only twin), with the same message. The library resolves its path
// expression by matching it against every value of the configuration, once per validated value: the costliest
// validation of a cluster plan (about 5 % of the provider's CPU in a plan of 100 clusters). The sibling's path
// is known, so this looks the one value up.
func conflictsWithSibling(name string) siblingConflict {
	return siblingConflict{name: name, description: description("Conflicts with " + name + ".")}
}

type siblingConflict struct {
	description
	name string
}

func (v siblingConflict) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	v.validate(ctx, req.Path, req.Config, req.ConfigValue, &resp.Diagnostics)
}

func (v siblingConflict) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	v.validate(ctx, req.Path, req.Config, req.ConfigValue, &resp.Diagnostics)
}

func (v siblingConflict) validate(ctx context.Context, at path.Path, config tfsdk.Config, value attr.Value, diags *diag.Diagnostics) {
	if value.IsNull() || value.IsUnknown() {
		return
	}
	sibling := at.ParentPath().AtName(v.name)
	var other attr.Value
	if d := config.GetAttribute(ctx, sibling, &other); d.HasError() {
		diags.Append(d...)
		return
	}
	if other != nil && !other.IsNull() && !other.IsUnknown() {
		diags.Append(validatordiag.InvalidAttributeCombinationDiagnostic(at,
			fmt.Sprintf("Attribute %q cannot be specified when %q is specified", sibling, at)))
	}
}

// requiredWhenSet requires the named attributes of an optional object attribute whenever the object itself
// is set. It stands in for Required on attributes that are also Computed: Terraform proposes the prior value
// of an omitted Optional+Computed object only when none of its attributes is plain Required or Optional
// (otherwise it plans the object away, and every plan of an unchanged resource is an update to the framework).
func requiredWhenSet(names ...string) validator.Object {
	return requiredWhenSetValidator{names: names,
		description: description("Each of " + strings.Join(names, ", ") + " must be set when the object is.")}
}

type requiredWhenSetValidator struct {
	description
	names []string
}

func (v requiredWhenSetValidator) ValidateObject(_ context.Context, req validator.ObjectRequest, resp *validator.ObjectResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	attrs := req.ConfigValue.Attributes()
	for _, name := range v.names {
		if value, ok := attrs[name]; ok && value.IsNull() {
			at := req.Path.AtName(name)
			resp.Diagnostics.AddAttributeError(at, "Missing Required Argument",
				fmt.Sprintf("Attribute %s is required when %s is set.", at, req.Path))
		}
	}
}

// named is one value of a block with its attribute name, for requireOneOf.
type named struct {
	name  string
	value attr.Value
}

// requireOneOf requires at least one of the values in the block at `at` to be set, and with exactlyOne
// at most one. It reports on the first value set twice, or on the block when none is set.
func requireOneOf(diags *diag.Diagnostics, at path.Path, exactlyOne bool, kind string, values ...named) {
	set, list, known := setValues(values)
	switch {
	case !known:
	case len(set) == 0:
		what := "at least one"
		if exactlyOne {
			what = "exactly one"
		}
		diags.AddAttributeError(at, "Missing Required Argument",
			fmt.Sprintf("%s needs %s %s of %s.", at, what, kind, list))
	case exactlyOne && len(set) > 1:
		addConflictingArguments(diags, at, kind, list, set)
	}
}

// rejectSeveral is the "at most one" half of requireOneOf with exactlyOne, for the rules whose "at least
// one" half only a create can check: the secrets of an imported resource are absent from its configuration
// (Azure never returns them), and rightly so.
func rejectSeveral(diags *diag.Diagnostics, at path.Path, kind string, values ...named) {
	if set, list, known := setValues(values); known && len(set) > 1 {
		addConflictingArguments(diags, at, kind, list, set)
	}
}

// setValues returns the names of the values that are set, and every name as a list for a diagnostic; known
// is false while any value is unknown (the rule is then checked later).
func setValues(values []named) (set []string, list string, known bool) {
	names := make([]string, 0, len(values))
	for _, v := range values {
		if v.value.IsUnknown() || hasUnknownAttribute(v.value) {
			return nil, "", false
		}
		names = append(names, "`"+v.name+"`")
		if !v.value.IsNull() {
			set = append(set, v.name)
		}
	}
	return set, strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1], true
}

func addConflictingArguments(diags *diag.Diagnostics, at path.Path, kind, list string, set []string) {
	diags.AddAttributeError(at.AtName(set[1]), "Conflicting Arguments",
		fmt.Sprintf("%s takes exactly one %s of %s, but both %s and %s are set.", at, kind, list,
			at.AtName(set[0]), at.AtName(set[1])))
}

// hasUnknownAttribute reports whether an object has an unknown attribute. A `dynamic` block whose
// for_each is not known yet (a module input, during validate) arrives as a known object of unknown
// attributes: it may well not exist, so "exactly one of" must not count it yet.
func hasUnknownAttribute(v attr.Value) bool {
	obj, ok := v.(interface{ Attributes() map[string]attr.Value })
	if !ok || v.IsNull() {
		return false
	}
	for _, a := range obj.Attributes() {
		if a.IsUnknown() {
			return true
		}
	}
	return false
}

// durationValidator checks a duration the service reads (a job's max_wall_clock_time): ISO 8601 or .NET's
// d.hh:mm:ss, and positive.
func durationValidator() validator.String {
	return durationStringValidator{description: "must be a positive duration such as P7D, PT12H or 7.00:00:00"}
}

type durationStringValidator struct{ description }

func (v durationStringValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	d, err := api.ParseDuration(req.ConfigValue.ValueString())
	switch {
	case err != nil:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration", fmt.Sprintf("Attribute %s: %s.", req.Path, err))
	case d <= 0:
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration", fmt.Sprintf("Attribute %s %s, got %q.",
			req.Path, v.Description(ctx), req.ConfigValue.ValueString()))
	}
}

// outputFilePath checks the path of a file inside a job's output directory: relative, with no empty, "." or
// ".." segment (the service answers 400 for a directory outside the output directory).
func outputFilePath() validator.String {
	return outputFilePathValidator{description: "must be a relative path such as stdout.txt or models/final.txt"}
}

type outputFilePathValidator struct{ description }

func (v outputFilePathValidator) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	p := req.ConfigValue.ValueString()
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.Contains(seg, `\`) {
			resp.Diagnostics.AddAttributeError(req.Path, "Invalid Output File Path",
				fmt.Sprintf("Attribute %s %s, got %q.", req.Path, v.Description(ctx), p))
			return
		}
	}
}
