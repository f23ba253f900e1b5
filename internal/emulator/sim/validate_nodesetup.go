package sim

import (
	"fmt"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

const pathNodeSetup = pathProps + ".nodeSetup"

// prepareNodeSetup validates nodeSetup in place and fills fileMode/directoryMode.
func prepareNodeSetup(n *api.NodeSetup) *Error {
	if t := n.SetupTask; t != nil {
		if err := prepareSetupTask(t); err != nil {
			return err
		}
	}
	if m := n.MountVolumes; m != nil {
		if err := prepareMountVolumes(m, pathNodeSetup+".mountVolumes"); err != nil {
			return err
		}
	}
	if pc := n.PerformanceCountersSettings; pc != nil {
		path := pathNodeSetup + ".performanceCountersSettings.appInsightsReference"
		ai := pc.AppInsightsReference
		if ai == nil {
			return missing(path)
		}
		if ai.Component == nil {
			return missing(path + ".component")
		}
		if err := checkResourceID(path+".component", ai.Component, "Microsoft.Insights", "components"); err != nil {
			return err
		}
		if err := exactlyOne(path, "instrumentationKey", isSet(ai.InstrumentationKey),
			"instrumentationKeySecretReference", ai.InstrumentationKeySecretReference != nil); err != nil {
			return err
		}
		if r := ai.InstrumentationKeySecretReference; r != nil {
			return checkSecretReference(path+".instrumentationKeySecretReference", r)
		}
	}
	return nil
}

func prepareSetupTask(t *api.SetupTask) *Error {
	path := pathNodeSetup + ".setupTask"
	t.StdOutErrPathSuffix = nil // read-only: the service computes it
	if !isSet(t.CommandLine) {
		return missing(path + ".commandLine")
	}
	if !isSet(t.StdOutErrPathPrefix) {
		return missing(path + ".stdOutErrPathPrefix")
	}
	return checkVariables(path, t.EnvironmentVariables, t.Secrets)
}

// checkVariables checks the environmentVariables and secrets of path (a setup task or a job).
func checkVariables(path string, vars []api.EnvironmentVariable, secrets []api.EnvironmentVariableWithSecretValue) *Error {
	for i, v := range vars {
		p := fmt.Sprintf("%s.environmentVariables[%d]", path, i)
		if !isSet(v.Name) {
			return missing(p + ".name")
		}
		if v.Value == nil { // an empty value is a value
			return missing(p + ".value")
		}
	}
	for i, s := range secrets {
		p := fmt.Sprintf("%s.secrets[%d]", path, i)
		if !isSet(s.Name) {
			return missing(p + ".name")
		}
		if err := exactlyOne(p, "value", isSet(s.Value), "valueSecretReference", s.ValueSecretReference != nil); err != nil {
			return err
		}
		if r := s.ValueSecretReference; r != nil {
			if err := checkSecretReference(p+".valueSecretReference", r); err != nil {
				return err
			}
		}
	}
	return nil
}

// prepareMountVolumes validates the mounts at path (a cluster's node setup or a job) in place and fills
// fileMode/directoryMode.
func prepareMountVolumes(m *api.MountVolumes, path string) *Error {
	for i := range m.AzureFileShares {
		s := &m.AzureFileShares[i]
		p := fmt.Sprintf("%s.azureFileShares[%d]", path, i)
		if err := required(p, field{"accountName", s.AccountName}, field{"azureFileUrl", s.AzureFileURL}); err != nil {
			return err
		}
		if err := checkCredentials(p+".credentials", s.Credentials); err != nil {
			return err
		}
		if err := required(p, field{"relativeMountPath", s.RelativeMountPath}); err != nil {
			return err
		}
		if s.FileMode == nil {
			s.FileMode = api.Ptr(api.DefaultFileMode)
		}
		if s.DirectoryMode == nil {
			s.DirectoryMode = api.Ptr(api.DefaultDirectoryMode)
		}
	}
	for i := range m.AzureBlobFileSystems {
		b := &m.AzureBlobFileSystems[i]
		p := fmt.Sprintf("%s.azureBlobFileSystems[%d]", path, i)
		if err := required(p, field{"accountName", b.AccountName}, field{"containerName", b.ContainerName}); err != nil {
			return err
		}
		if err := checkCredentials(p+".credentials", b.Credentials); err != nil {
			return err
		}
		if err := required(p, field{"relativeMountPath", b.RelativeMountPath}); err != nil {
			return err
		}
	}
	for i, f := range m.FileServers {
		p := fmt.Sprintf("%s.fileServers[%d]", path, i)
		if f.FileServer == nil {
			return missing(p + ".fileServer")
		}
		if !isSet(f.FileServer.ID) {
			return missing(p + ".fileServer.id")
		}
		if _, err := api.ParseFileServerID(*f.FileServer.ID); err != nil {
			return invalid(p+".fileServer.id", "%v", err)
		}
		if err := required(p, field{"relativeMountPath", f.RelativeMountPath}); err != nil {
			return err
		}
	}
	for i, u := range m.UnmanagedFileSystems {
		p := fmt.Sprintf("%s.unmanagedFileSystems[%d]", path, i)
		if err := required(p, field{"mountCommand", u.MountCommand}, field{"relativeMountPath", u.RelativeMountPath}); err != nil {
			return err
		}
	}
	return nil
}

// checkCredentials: the schema requires nothing, but the spec text asks for exactly one of the
// key or a Key Vault reference to it.
func checkCredentials(path string, c *api.AzureStorageCredentialsInfo) *Error {
	if c == nil {
		return missing(path)
	}
	if err := exactlyOne(path, "accountKey", isSet(c.AccountKey),
		"accountKeySecretReference", c.AccountKeySecretReference != nil); err != nil {
		return err
	}
	if r := c.AccountKeySecretReference; r != nil {
		return checkSecretReference(path+".accountKeySecretReference", r)
	}
	return nil
}

func checkSecretReference(path string, r *api.KeyVaultSecretReference) *Error {
	if r.SourceVault == nil {
		return missing(path + ".sourceVault")
	}
	if err := checkResourceID(path+".sourceVault", r.SourceVault, "Microsoft.KeyVault", "vaults"); err != nil {
		return err
	}
	if !isSet(r.SecretURL) {
		return missing(path + ".secretUrl")
	}
	if !isHTTPSURL(*r.SecretURL) {
		return invalid(path+".secretUrl", "'%s' is not an https URL of a Key Vault secret "+
			"(https://{vault}.vault.azure.net/secrets/{name}[/{version}])", *r.SecretURL)
	}
	return nil
}

// exactlyOne reports neither (missing) or both (invalid) of two alternative properties of path.
func exactlyOne(path, a string, hasA bool, b string, hasB bool) *Error {
	switch {
	case !hasA && !hasB:
		e := missing(path)
		e.Message = fmt.Sprintf("Exactly one of '%s.%s' or '%s.%s' must be specified; neither was.", path, a, path, b)
		return e
	case hasA && hasB:
		return invalid(path, "exactly one of '%s.%s' or '%s.%s' must be specified, not both", path, a, path, b)
	}
	return nil
}

// field is a string property of an object, for required.
type field struct {
	name  string
	value *string
}

// required reports the first of the fields of path that is absent or empty.
func required(path string, fields ...field) *Error {
	for _, f := range fields {
		if !isSet(f.value) {
			return missing(path + "." + f.name)
		}
	}
	return nil
}
