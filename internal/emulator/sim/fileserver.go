package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// fileServerVMSizePattern is the shape of an Azure VM size. File servers took any size (the spec names no
// table for them), so only the shape is checked, unlike a cluster's size.
var fileServerVMSizePattern = regexp.MustCompile(`(?i)^(standard|basic)_[a-z0-9_]+$`)

// PrepareFileServer validates the properties of a file server PUT (spec: vmSize, sshConfiguration and
// dataDisks required; dataDisks needs diskSizeInGB, diskCount and storageAccountType) and returns them with
// the default cachingType "none" filled in. Enums match case-insensitively and come back in their canonical
// spelling. The input is not modified. Secrets stay in the result (they are stored, never returned) and are
// never quoted in errors.
func PrepareFileServer(in *api.FileServerBaseProperties) (api.FileServerBaseProperties, *Error) {
	if in == nil {
		return api.FileServerBaseProperties{}, missing(pathProps)
	}
	p := clone(*in)

	const size = pathProps + ".vmSize"
	switch {
	case !isSet(p.VMSize):
		return p, missing(size)
	case !fileServerVMSizePattern.MatchString(*p.VMSize):
		return p, invalid(size, "'%s' is not an Azure VM size such as 'Standard_D2_v2'.", Sanitize(*p.VMSize))
	}

	const ssh = pathProps + ".sshConfiguration"
	if p.SSHConfiguration == nil {
		return p, missing(ssh)
	}
	if n := len(p.SSHConfiguration.PublicIPsToAllow); n > 400 {
		return p, invalid(ssh+".publicIPsToAllow", "at most 400 IP ranges may be given, got %d.", n)
	}
	const user = ssh + ".userAccountSettings"
	u := p.SSHConfiguration.UserAccountSettings
	switch {
	case u == nil:
		return p, missing(user)
	case !isSet(u.AdminUserName):
		return p, missing(user + ".adminUserName")
	case !isSet(u.AdminUserSSHPublicKey) && !isSet(u.AdminUserPassword):
		e := missing(user + ".adminUserSshPublicKey")
		e.Message = "Please provide admin user password or ssh key: at least one of '" + user +
			".adminUserSshPublicKey' or '" + user + ".adminUserPassword' is required."
		return p, e
	case isSet(u.AdminUserSSHPublicKey) && !strings.HasPrefix(strings.TrimSpace(*u.AdminUserSSHPublicKey), "ssh-rsa "):
		return p, invalid(user+".adminUserSshPublicKey", "not an OpenSSH public key; expected a single line "+
			"starting with 'ssh-rsa '.")
	}

	const disks = pathProps + ".dataDisks"
	d := p.DataDisks
	switch {
	case d == nil:
		return p, missing(disks)
	case d.DiskSizeInGB == nil:
		return p, missing(disks + ".diskSizeInGB")
	case *d.DiskSizeInGB < 1 || *d.DiskSizeInGB > 4095:
		return p, invalid(disks+".diskSizeInGB", "a disk size must be between 1 and 4095 GB, got %d.", *d.DiskSizeInGB)
	case d.DiskCount == nil:
		return p, missing(disks + ".diskCount")
	case *d.DiskCount < 1 || *d.DiskCount > 64:
		return p, invalid(disks+".diskCount", "the disk count must be between 1 and 64, got %d.", *d.DiskCount)
	case d.StorageAccountType == nil:
		return p, missing(disks + ".storageAccountType")
	}
	var err *Error
	if d.StorageAccountType, err = enum(disks+".storageAccountType", d.StorageAccountType, "", "Standard_LRS", "Premium_LRS"); err != nil {
		return p, err
	}
	if d.CachingType, err = enum(disks+".cachingType", d.CachingType, "none", "none", "readonly", "readwrite"); err != nil {
		return p, err
	}

	if p.Subnet != nil {
		if err := checkResourceID(pathSubnet, p.Subnet, "Microsoft.Network", "virtualNetworks", "subnets"); err != nil {
			return p, err
		}
	}
	return p, nil
}

// CompareFileServer checks a PUT of an existing file server: file servers cannot be updated, so the prepared
// properties want must equal the stored ones, have (VM size and subnet compared case-insensitively, as Azure
// treats them). A subnet the service created for the file server (generatedSubnet) matches a request without
// one. Any difference is a 409 PropertyChangeNotAllowed naming the first differing property, never its value.
func CompareFileServer(name string, have api.FileServerBaseProperties, generatedSubnet bool, want api.FileServerBaseProperties) *Error {
	if want.Subnet == nil && generatedSubnet {
		want.Subnet = have.Subnet
	}
	sameJSON := func(a, b any) bool {
		x, _ := json.Marshal(a)
		y, _ := json.Marshal(b)
		return string(x) == string(y)
	}
	var path string
	switch {
	case !strings.EqualFold(api.Deref(have.VMSize), api.Deref(want.VMSize)):
		path = pathProps + ".vmSize"
	case !sameJSON(have.SSHConfiguration, want.SSHConfiguration):
		path = pathProps + ".sshConfiguration"
	case !sameJSON(have.DataDisks, want.DataDisks):
		path = pathProps + ".dataDisks"
	case !strings.EqualFold(resourceID(have.Subnet), resourceID(want.Subnet)):
		path = pathSubnet
	default:
		return nil
	}
	return &Error{
		Status: http.StatusConflict,
		Code:   CodePropertyChangeNotAllowed,
		Target: path,
		Message: fmt.Sprintf("File server properties cannot be changed: the request changes '%s' of the existing "+
			"file server %s. Delete the file server and create it again to change it.", path, name),
	}
}

// resourceID is the ID of an optional ResourceId reference, or "".
func resourceID(r *api.ResourceID) string {
	if r == nil {
		return ""
	}
	return api.Deref(r.ID)
}
