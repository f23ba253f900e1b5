package emulator

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
	"github.com/batchai-tf/terraform-provider-batchai/internal/emulator/sim"
)

var (
	vmSizePattern = regexp.MustCompile(`(?i)^(standard|basic)_[a-z0-9_]+$`)
	subnetPattern = regexp.MustCompile(`(?i)^/subscriptions/[^/]+/resourceGroups/[^/]+/providers/Microsoft\.Network/virtualNetworks/[^/]+/subnets/[^/]+$`)
)

func missingProp(path string) *apiError {
	return newError(http.StatusBadRequest, sim.CodeMissingRequiredProperty,
		"The required property '%s' is missing from the request.", path).withTarget(path)
}

func invalidProp(path, format string, args ...any) *apiError {
	args = append([]any{path}, args...)
	return newError(http.StatusBadRequest, sim.CodeInvalidPropertyValue,
		"The value of property '%s' is invalid: "+format, args...).withTarget(path)
}

// prepareFileServer validates a file server PUT (spec: vmSize, sshConfiguration and dataDisks required;
// dataDisks needs diskSizeInGB, diskCount and storageAccountType) and fills in the default cachingType
// "none". Enums match case-insensitively and come back in their canonical spelling. Secrets stay in the
// result (they are stored, never returned) and are never quoted in errors.
func prepareFileServer(in *api.FileServerBaseProperties) (api.FileServerBaseProperties, *apiError) {
	if in == nil {
		return api.FileServerBaseProperties{}, missingProp("properties")
	}
	var p api.FileServerBaseProperties
	raw, _ := json.Marshal(in)
	_ = json.Unmarshal(raw, &p) // a deep copy: the request is not modified

	switch {
	case api.Deref(p.VMSize) == "":
		return p, missingProp("properties.vmSize")
	case !vmSizePattern.MatchString(*p.VMSize):
		return p, invalidProp("properties.vmSize", "'%s' is not an Azure VM size such as 'Standard_D2_v2'.", sanitize(*p.VMSize))
	}

	const ssh = "properties.sshConfiguration"
	if p.SSHConfiguration == nil {
		return p, missingProp(ssh)
	}
	if n := len(p.SSHConfiguration.PublicIPsToAllow); n > 400 {
		return p, invalidProp(ssh+".publicIPsToAllow", "at most 400 IP ranges may be given, got %d.", n)
	}
	u := p.SSHConfiguration.UserAccountSettings
	switch {
	case u == nil:
		return p, missingProp(ssh + ".userAccountSettings")
	case api.Deref(u.AdminUserName) == "":
		return p, missingProp(ssh + ".userAccountSettings.adminUserName")
	case api.Deref(u.AdminUserSSHPublicKey) == "" && api.Deref(u.AdminUserPassword) == "":
		return p, missingProp(ssh + ".userAccountSettings.adminUserSshPublicKey").withMessage("Please provide " +
			"admin user password or ssh key: at least one of '" + ssh + ".userAccountSettings.adminUserSshPublicKey' " +
			"or '" + ssh + ".userAccountSettings.adminUserPassword' is required.")
	case api.Deref(u.AdminUserSSHPublicKey) != "" && !strings.HasPrefix(strings.TrimSpace(*u.AdminUserSSHPublicKey), "ssh-rsa "):
		return p, invalidProp(ssh+".userAccountSettings.adminUserSshPublicKey", "not an OpenSSH public key; "+
			"expected a single line starting with 'ssh-rsa '.")
	}

	const disks = "properties.dataDisks"
	d := p.DataDisks
	switch {
	case d == nil:
		return p, missingProp(disks)
	case d.DiskSizeInGB == nil:
		return p, missingProp(disks + ".diskSizeInGB")
	case *d.DiskSizeInGB < 1 || *d.DiskSizeInGB > 4095:
		return p, invalidProp(disks+".diskSizeInGB", "a disk size must be between 1 and 4095 GB, got %d.", *d.DiskSizeInGB)
	case d.DiskCount == nil:
		return p, missingProp(disks + ".diskCount")
	case *d.DiskCount < 1 || *d.DiskCount > 64:
		return p, invalidProp(disks+".diskCount", "the disk count must be between 1 and 64, got %d.", *d.DiskCount)
	case d.StorageAccountType == nil:
		return p, missingProp(disks + ".storageAccountType")
	}
	var ae *apiError
	if d.StorageAccountType, ae = enumValue(disks+".storageAccountType", d.StorageAccountType, "", "Standard_LRS", "Premium_LRS"); ae != nil {
		return p, ae
	}
	if d.CachingType, ae = enumValue(disks+".cachingType", d.CachingType, "none", "none", "readonly", "readwrite"); ae != nil {
		return p, ae
	}

	if s := p.Subnet; s != nil {
		switch {
		case api.Deref(s.ID) == "":
			return p, missingProp("properties.subnet.id")
		case !subnetPattern.MatchString(*s.ID):
			return p, invalidProp("properties.subnet.id", "'%s' is not a subnet resource ID; expected /subscriptions/"+
				"{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Network/virtualNetworks/{vnet}/"+
				"subnets/{subnet}.", sanitize(*s.ID))
		}
	}
	return p, nil
}

func (e *apiError) withMessage(msg string) *apiError {
	e.Body.Message = api.Ptr(msg)
	return e
}

// enumValue matches v case-insensitively against allowed and returns the canonical spelling, or def
// when v is absent.
func enumValue(path string, v *string, def string, allowed ...string) (*string, *apiError) {
	if v == nil {
		if def == "" {
			return nil, nil
		}
		return api.Ptr(def), nil
	}
	for _, a := range allowed {
		if strings.EqualFold(*v, a) {
			return api.Ptr(a), nil
		}
	}
	return nil, invalidProp(path, "'%s' is not one of the allowed values: %s.", sanitize(*v), strings.Join(allowed, ", "))
}

// compareFileServer checks a PUT of an existing file server: file servers cannot be updated, so the
// prepared properties must equal the stored ones (VM size compared case-insensitively; a subnet the
// service created matches a request without one).
func compareFileServer(existing *fileServerRecord, want api.FileServerBaseProperties) *apiError {
	have := existing.Props
	if want.Subnet == nil && existing.GenSubnet {
		want.Subnet = have.Subnet
	}
	same := func(a, b any) bool {
		x, _ := json.Marshal(a)
		y, _ := json.Marshal(b)
		return string(x) == string(y)
	}
	var path string
	switch {
	case !strings.EqualFold(api.Deref(have.VMSize), api.Deref(want.VMSize)):
		path = "properties.vmSize"
	case !same(have.SSHConfiguration, want.SSHConfiguration):
		path = "properties.sshConfiguration"
	case !same(have.DataDisks, want.DataDisks):
		path = "properties.dataDisks"
	case !strings.EqualFold(api.Deref(subnetID(have.Subnet)), api.Deref(subnetID(want.Subnet))):
		path = "properties.subnet"
	default:
		return nil
	}
	return newError(http.StatusConflict, sim.CodePropertyChangeNotAllowed, "File server properties cannot be "+
		"changed: the request changes '%s' of the existing file server %s. Delete the file server and create it "+
		"again to change it.", path, existing.Name).withTarget(path)
}

func subnetID(r *api.ResourceID) *string {
	if r == nil {
		return nil
	}
	return r.ID
}
