package provider

import (
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/client"
)

// Human names of the resource kinds, used in every summary and detail.
const (
	kindWorkspace  = "Batch AI Workspace"
	kindCluster    = "Batch AI Cluster"
	kindFileServer = "Batch AI File Server"
	kindExperiment = "Batch AI Experiment"
	kindJob        = "Batch AI Job"
	kindOutputFile = "Batch AI Job Output File"
)

// action is one provider operation, worded for a diagnostic summary (Title Case) and detail (lower case),
// e.g. "Error Creating Batch AI Workspace" and "creating Batch AI Workspace (<id>): <err>".
type action struct {
	summary string // format with the kind
	detail  string // format with the kind and the ID
}

var (
	actionCreate     = action{"Error Creating %s", "creating %s (%s)"}
	actionWaitCreate = action{"Error Waiting for %s Creation", "waiting for creation of %s (%s)"}
	actionRead       = action{"Error Reading %s", "reading %s (%s)"}
	actionUpdate     = action{"Error Updating %s", "updating %s (%s)"}
	actionWaitUpdate = action{"Error Waiting for %s Update", "waiting for update of %s (%s)"}
	actionDelete     = action{"Error Deleting %s", "deleting %s (%s)"}
	actionWaitDelete = action{"Error Waiting for %s Deletion", "waiting for deletion of %s (%s)"}
	actionCheckExist = action{"Error Checking for Existing %s", "checking for an existing %s (%s)"}
	// actionList is worded with the plural kind (kindWorkspace + "s") and the scope listed.
	actionList = action{"Error Listing %s", "listing %s (%s)"}
	// actionResize is the batchai_cluster_resize action's PATCH, and actionWaitResize its wait.
	actionResize     = action{"Error Resizing %s", "resizing %s (%s)"}
	actionWaitResize = action{"Error Waiting for %s Resize", "waiting for the resize of %s (%s)"}
	// actionRun is a job that ran and failed; actionTerminate the termination destroy (or the
	// batchai_job_terminate action) starts, and actionWaitTerminate the action's wait for it.
	actionRun           = action{"Error Running %s", "running %s (%s)"}
	actionTerminate     = action{"Error Terminating %s", "terminating %s (%s)"}
	actionWaitTerminate = action{"Error Waiting for %s Termination", "waiting for the termination of %s (%s)"}
	actionDownload      = action{"Error Downloading %s", "downloading %s (%s)"}
)

// addAPIError reports a failed call: the summary names the action and kind, the detail follows the AWS
// provider's "<action> <kind> (<id>): <error>" wording and adds a hint for well-known ARM error codes.
func addAPIError(diags *diag.Diagnostics, a action, kind, id string, err error) {
	diags.AddError(fmt.Sprintf(a.summary, kind), apiErrorDetail(a, kind, id, err))
}

func apiErrorDetail(a action, kind, id string, err error) string {
	detail := fmt.Sprintf(a.detail, kind, id) + ": " + errorText(err)
	if hint := errorHint(err); hint != "" {
		detail += "\n\n" + hint
	}
	return detail
}

// errorHint explains the ARM errors users can fix themselves.
func errorHint(err error) string {
	code := client.ErrorCode(err)
	var authErr *azidentity.AuthenticationFailedError
	switch {
	case untrustedCertificate(err):
		return untrustedCertificateHint
	case errors.As(err, &authErr):
		return "The provider could not get an access token: check tenant_id, client_id and the credential " +
			"(client_secret, client certificate, OIDC token or managed identity; or the ARM_* variables that set " +
			"them), and that environment or metadata_host names the cloud the tenant belongs to."
	case strings.Contains(err.Error(), "AzureCLICredential"):
		return "With no client secret, client certificate, OIDC or managed identity configured, the provider " +
			"authenticates through the Azure CLI (use_cli): run `az login`, or configure another credential " +
			"(for example client_id and client_secret, or ARM_CLIENT_ID and ARM_CLIENT_SECRET)."
	case code == "AuthorizationFailed" || hasStatus(err, http.StatusForbidden):
		return authorizationHint(err)
	case code == "InvalidAuthenticationToken" || code == "InvalidAuthenticationTokenTenant" ||
		code == "ExpiredAuthenticationToken" || hasStatus(err, http.StatusUnauthorized):
		return "The access token was rejected: check tenant_id, client_id and the credential, and that the " +
			"provider's environment or metadata_host matches the cloud the subscription lives in."
	case code == "ResourceGroupNotFound":
		return resourceGroupNotFoundHint(err)
	case code == "SubscriptionNotFound" || code == "InvalidSubscriptionId":
		return "Check subscription_id (or ARM_SUBSCRIPTION_ID)."
	case code == "MissingSubscriptionRegistration":
		return "Register the Microsoft.BatchAI resource provider on the subscription (`az provider register -n Microsoft.BatchAI`)."
	}
	return ""
}

// untrustedCertificateHint names the fix of an endpoint whose certificate comes from a CA the provider does
// not trust: a private cloud's, or the Batch AI emulator's, which it creates in its data folder.
const untrustedCertificateHint = "The endpoint's TLS certificate is signed by a certificate authority the " +
	"provider does not trust. For a private cloud or the Batch AI emulator, set ca_certificate_file in the " +
	"provider block (or the ARM_CA_CERTIFICATE_FILE environment variable) to that CA's PEM file; the emulator's " +
	"is tls/ca.pem in its data folder (ca_certificate in emulator.json), and the export lines it prints set " +
	"ARM_CA_CERTIFICATE_FILE. The file is trusted in addition to the system roots; verification cannot be turned off."

// untrustedCertificate reports whether err comes from a TLS certificate signed by an unknown authority. The
// SDK's retries and wrappers do not always keep the x509 error in the chain, so its text counts too.
func untrustedCertificate(err error) bool {
	var unknown x509.UnknownAuthorityError
	return errors.As(err, &unknown) || strings.Contains(err.Error(), "x509: certificate signed by unknown authority")
}

// resourceGroupNamePattern reads the group's name from ARM's ResourceGroupNotFound message.
var resourceGroupNamePattern = regexp.MustCompile(`Resource group '([^']+)' could not be found`)

// resourceGroupNotFoundHint says how to create the missing group, on Azure and on the Batch AI emulator
// (whose users may have neither azurerm nor az set up for it), naming the group when ARM's message does.
func resourceGroupNotFoundHint(err error) string {
	name := "<name>"
	if m := resourceGroupNamePattern.FindStringSubmatch(err.Error()); m != nil {
		name = m[1]
	}
	return fmt.Sprintf("Create the resource group first: on Azure with the azurerm provider's "+
		"azurerm_resource_group, or `az group create --name %[1]s --location <location>`. The Batch AI "+
		"emulator creates the groups it is started with: add `--resource-group %[1]s` to its command line "+
		"(repeatable; NAME@LOCATION picks the location), or use the group it always creates "+
		"(BATCHAI_EMULATOR_RESOURCE_GROUP in its printed environment, resource_group in emulator.json).", name)
}

// authorizationFailedPattern reads ARM's AuthorizationFailed message: who (the client and its object id), which
// action, and over which scope.
var authorizationFailedPattern = regexp.MustCompile(`The client '([^']*)' with object id '([^']*)' does not have ` +
	`authorization to perform action '([^']*)' over scope '([^']*)'`)

// authorizationHint says which principal lacked which action where, and how to grant it. Nothing is removed from
// the state for a 403: the resource is still there, only this principal may not touch it.
func authorizationHint(err error) string {
	m := authorizationFailedPattern.FindStringSubmatch(err.Error())
	if m == nil {
		return "The identity the provider authenticates as lacks permission for this operation; grant it a role " +
			"such as Contributor on the resource group."
	}
	client, objectID, action, scope := m[1], m[2], m[3], m[4]
	who := "object id " + objectID
	if !strings.EqualFold(client, objectID) {
		who = fmt.Sprintf("%s, object id %s", client, objectID)
	}
	grantScope := scope
	if parts := strings.Split(strings.TrimPrefix(scope, "/"), "/"); len(parts) >= 4 &&
		strings.EqualFold(parts[0], "subscriptions") && strings.EqualFold(parts[2], "resourceGroups") {
		grantScope = "/" + strings.Join(parts[:4], "/")
	}
	return fmt.Sprintf("The principal the provider authenticates as (%s) is not allowed to perform %s over %s. "+
		"Grant it a role that allows this action at that scope or above it (Contributor allows every Batch AI "+
		"operation; Reader only reads), for example:\n\n  az role assignment create --assignee-object-id %s "+
		"--assignee-principal-type ServicePrincipal --role Contributor --scope %s\n\nNothing was removed from "+
		"the Terraform state.", who, action, scope, objectID, grantScope)
}

func hasStatus(err error, status int) bool {
	var e *client.Error
	return errors.As(err, &e) && e.StatusCode == status
}

// addAlreadyExistsError is azurerm's wording for a create that would adopt an unmanaged resource.
func addAlreadyExistsError(diags *diag.Diagnostics, kind, id, tfType string) {
	diags.AddError(fmt.Sprintf("%s Already Exists", kind),
		fmt.Sprintf("A resource with the ID %q already exists - to be managed via Terraform this resource needs "+
			"to be imported into the State. Please see the resource documentation for %q for more information.", id, tfType))
}

// addInvalidImportIDError reports an import ID that does not parse; err names the expected format.
func addInvalidImportIDError(diags *diag.Diagnostics, kind string, err error) {
	diags.AddError("Invalid Import ID",
		fmt.Sprintf("importing %s: %s\n\nImport with the resource's full ARM ID.", kind, err))
}

// addInvalidStateIDError reports an `id` in state that no longer parses: only a provider bug or a
// hand-edited state gets there.
func addInvalidStateIDError(diags *diag.Diagnostics, kind string, err error) {
	diags.AddAttributeError(path.Root("id"), "Invalid Resource ID in State",
		fmt.Sprintf("The %s ID stored in state cannot be parsed: %s\n\nThis is always a bug in the provider code "+
			"(or the state was edited by hand) and should be reported to the provider developers.", kind, err))
}

// addTaintedCreateError explains that a create was accepted but did not finish: the resource is kept in
// state (Terraform marks it tainted) so that it is never orphaned.
func addTaintedCreateError(diags *diag.Diagnostics, kind, id string, err error) {
	diags.AddError(fmt.Sprintf(actionWaitCreate.summary, kind),
		apiErrorDetail(actionWaitCreate, kind, id, err)+"\n\nAzure accepted the request, so the resource was "+
			"recorded in the Terraform state and marked as tainted: the next apply replaces it, and destroy removes it.")
}

// errorText is err for a diagnostic. A token request the identity service rejected is reduced from
// azidentity's dump (request line, rule lines, the whole indented JSON answer, a troubleshooting link)
// to the credential, the status and the service's error code and description; the description's trace
// and correlation IDs and timestamp are left out. The secret itself is never in the answer.
func errorText(err error) string {
	var authErr *azidentity.AuthenticationFailedError
	if !errors.As(err, &authErr) || authErr.RawResponse == nil {
		return err.Error()
	}
	full := authErr.Error()
	cred, _, ok := strings.Cut(full, " authentication failed")
	if !ok || strings.ContainsAny(cred, " \n") {
		cred = "the credential"
	}
	resp := authErr.RawResponse
	var answer struct {
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	if body, berr := runtime.Payload(resp); berr == nil {
		_ = json.Unmarshal(body, &answer) // a body that is not the usual JSON leaves the status alone
	}
	text := fmt.Sprintf("%s authentication failed: the identity service answered %s", cred, resp.Status)
	if resp.Request != nil && resp.Request.URL != nil {
		u := resp.Request.URL
		text = fmt.Sprintf("%s authentication failed: %s %s://%s%s answered %s", cred, resp.Request.Method, u.Scheme, u.Host, u.Path, resp.Status)
	}
	if answer.Error != "" {
		text += ": " + answer.Error
	}
	if d, _, _ := strings.Cut(answer.Description, " Trace ID:"); strings.TrimSpace(d) != "" {
		text += ": " + strings.TrimSpace(strings.Join(strings.Fields(d), " "))
	}
	// Errors that wrap the authentication failure (e.g. the client's own context) keep their prefix.
	if outer := err.Error(); outer != full {
		if prefix, _, ok := strings.Cut(outer, full); ok {
			text = prefix + text
		}
	}
	return text
}

// addWorkspaceNotFoundError reports a workspace a data source names that does not exist, on attr, the
// attribute that names it, with everything that identifies it, so that a typo is found at once.
func addWorkspaceNotFoundError(diags *diag.Diagnostics, attr path.Path, id api.WorkspaceID) {
	diags.AddAttributeError(attr, "Batch AI Workspace Not Found",
		fmt.Sprintf("The workspace %q does not exist in resource group %q of subscription %q (ID %s).\n\n"+
			"Check the name and the resource group, or create the workspace first (batchai_workspace).",
			id.Name, id.ResourceGroup, id.SubscriptionID, id))
}

// addClusterNotFoundError is addWorkspaceNotFoundError for a cluster whose workspace exists.
func addClusterNotFoundError(diags *diag.Diagnostics, attr path.Path, id api.ClusterID) {
	diags.AddAttributeError(attr, "Batch AI Cluster Not Found",
		fmt.Sprintf("The cluster %q does not exist in workspace %q (resource group %q, subscription %q; ID %s).\n\n"+
			"Check the name, or create the cluster first (batchai_cluster).",
			id.Name, id.Workspace, id.ResourceGroup, id.SubscriptionID, id))
}

// addNotFoundError is addClusterNotFoundError for a file server, an experiment or a job whose parent exists:
// what is missing (what, e.g. "file server"), in which parent (e.g. `workspace "ws"`), and the resource type
// that creates it.
func addNotFoundError(diags *diag.Diagnostics, attr path.Path, kind, what, name, parent, id, tfType string) {
	diags.AddAttributeError(attr, kind+" Not Found",
		fmt.Sprintf("The %s %q does not exist in %s (ID %s).\n\nCheck the name, or create the %s first (%s).",
			what, name, parent, id, what, tfType))
}

// addJobFailedError reports a job that ran and failed (failure says how: exit code, the service's errors, the
// end of stderr.txt). The job is kept in state, so Terraform marks it tainted.
func addJobFailedError(diags *diag.Diagnostics, id, failure string) {
	diags.AddError(fmt.Sprintf(actionRun.summary, kindJob),
		fmt.Sprintf(actionRun.detail, kindJob, id)+": "+failure+"\n\nThe job was recorded in the Terraform state and "+
			"marked as tainted: the next apply runs it again (a new job of the same name replaces it). To keep it "+
			"as it is, run `terraform untaint` on it; destroy terminates and deletes it.")
}

// unsteadyNote says what happens to a cluster whose wait for steady ended without steady (cluster_steady.go).
const unsteadyNote = "Azure reported the cluster created, so it is kept in the Terraform state and not tainted: " +
	"the next apply waits for allocation_state \"steady\" again instead of replacing the cluster (or has nothing " +
	"to do if it became steady meanwhile). To stop waiting, set wait_for_steady_state = false."

// addUnsteadyCreateWarning reports a create whose cluster was created but whose wait for steady ended first. It
// is a warning: Terraform taints a resource whose create returns an error.
func addUnsteadyCreateWarning(diags *diag.Diagnostics, id string, err error) {
	diags.AddWarning("Batch AI Cluster Created, Not Yet Steady",
		apiErrorDetail(actionWaitCreate, kindCluster, id, err)+"\n\n"+unsteadyNote)
}

// addUnsteadyUpdateError reports an update whose wait for steady ended without steady; the cluster keeps
// its new settings in state.
func addUnsteadyUpdateError(diags *diag.Diagnostics, id string, err error) {
	diags.AddError(fmt.Sprintf(actionWaitUpdate.summary, kindCluster),
		apiErrorDetail(actionWaitUpdate, kindCluster, id, err)+"\n\n"+unsteadyNote)
}
