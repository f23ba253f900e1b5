package sim

import (
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// Paths of the properties validated here, as the JSON of a PUT body names them.
const (
	pathProps    = "properties"
	pathScale    = pathProps + ".scaleSettings"
	pathManual   = pathScale + ".manual"
	pathAuto     = pathScale + ".autoScale"
	pathImage    = pathProps + ".virtualMachineConfiguration.imageReference"
	pathUser     = pathProps + ".userAccountSettings"
	pathSubnet   = pathProps + ".subnet"
	pathPriority = pathProps + ".vmPriority"
)

// PrepareCreate validates the properties of a cluster PUT as the service did and returns them
// with the server's defaults filled in (vmPriority, nodeDeallocationOption, initialNodeCount,
// the Ubuntu image, fileMode and directoryMode). The input is not modified. The first problem
// found is returned, naming its JSON path in both Target and Message; messages never quote a
// secret. The read-only setupTask.stdOutErrPathSuffix is dropped if a client sent it.
func PrepareCreate(in api.ClusterBaseProperties) (api.ClusterBaseProperties, *Error) {
	p := clone(in)
	if _, err := LookupVMSize(api.Deref(p.VMSize)); err != nil {
		return p, err
	}
	prio, err := enum(pathPriority, p.VMPriority, api.VMPriorityDedicated, api.VMPriorityDedicated, api.VMPriorityLowPriority)
	if err != nil {
		return p, err
	}
	p.VMPriority = prio
	if p.ScaleSettings, err = prepareScale(p.ScaleSettings, nil); err != nil {
		return p, err
	}
	if p.VirtualMachineConfiguration, err = prepareVMConfiguration(p.VirtualMachineConfiguration); err != nil {
		return p, err
	}
	if p.NodeSetup != nil {
		if err := prepareNodeSetup(p.NodeSetup); err != nil {
			return p, err
		}
	}
	if err := checkUserAccount(p.UserAccountSettings); err != nil {
		return p, err
	}
	if p.Subnet != nil {
		if err := checkResourceID(pathSubnet, p.Subnet, "Microsoft.Network", "virtualNetworks", "subnets"); err != nil {
			return p, err
		}
	}
	return p, nil
}

// PrepareScale validates the scale settings of a PATCH (or PUT) and fills in their defaults.
// prev is the cluster's current scale settings (nil at create): an autoScale block without
// initialNodeCount keeps prev's autoScale initialNodeCount, else gets 0 (examples/PatchCluster.json
// answers a PATCH without it with "initialNodeCount":0; the spec says it is "used only during
// cluster creation").
func PrepareScale(s api.ScaleSettings, prev *api.ScaleSettings) (api.ScaleSettings, *Error) {
	out, err := prepareScale(&s, prev)
	if err != nil {
		return s, err
	}
	return *out, nil
}

func prepareScale(in *api.ScaleSettings, prev *api.ScaleSettings) (*api.ScaleSettings, *Error) {
	if in == nil {
		// The spec does not mark scaleSettings required, but a cluster without any cannot be
		// sized; the CLI refused such a request too ("Please provide scale setting for the
		// cluster").
		e := missing(pathScale)
		e.Message = "Please provide scale settings for the cluster: the required property '" + pathScale +
			"' is missing from the request; specify exactly one of '" + pathManual + "' or '" + pathAuto + "'."
		return nil, e
	}
	s := clone(*in)
	if (s.Manual == nil) == (s.AutoScale == nil) {
		return nil, invalid(pathScale, "at least one of manual or autoScale settings must be specified, "+
			"and only one of manual or autoScale settings can be specified (%s, %s)", pathManual, pathAuto)
	}
	if m := s.Manual; m != nil {
		if m.TargetNodeCount == nil {
			return nil, missing(pathManual + ".targetNodeCount")
		}
		if *m.TargetNodeCount < 0 {
			return nil, invalid(pathManual+".targetNodeCount", "%d is negative; node counts must be 0 or more", *m.TargetNodeCount)
		}
		opt, err := enum(pathManual+".nodeDeallocationOption", m.NodeDeallocationOption, api.DeallocationRequeue,
			api.DeallocationRequeue, api.DeallocationTerminate, api.DeallocationWaitForJobCompletion)
		if err != nil {
			return nil, err
		}
		m.NodeDeallocationOption = opt
		return &s, nil
	}
	a := s.AutoScale
	for _, f := range []struct {
		name string
		v    *int32
	}{{"minimumNodeCount", a.MinimumNodeCount}, {"maximumNodeCount", a.MaximumNodeCount}, {"initialNodeCount", a.InitialNodeCount}} {
		if f.v == nil {
			if f.name == "initialNodeCount" {
				continue
			}
			return nil, missing(pathAuto + "." + f.name)
		}
		if *f.v < 0 {
			return nil, invalid(pathAuto+"."+f.name, "%d is negative; node counts must be 0 or more", *f.v)
		}
	}
	if *a.MinimumNodeCount > *a.MaximumNodeCount {
		return nil, invalid(pathAuto+".minimumNodeCount", "minimumNodeCount (%d) must not be greater than maximumNodeCount (%d)",
			*a.MinimumNodeCount, *a.MaximumNodeCount)
	}
	if a.InitialNodeCount == nil {
		initial := int32(0)
		if prev != nil && prev.AutoScale != nil && prev.AutoScale.InitialNodeCount != nil {
			initial = *prev.AutoScale.InitialNodeCount
		}
		a.InitialNodeCount = api.Ptr(initial)
	}
	return &s, nil
}

func prepareVMConfiguration(in *api.VirtualMachineConfiguration) (*api.VirtualMachineConfiguration, *Error) {
	if in == nil {
		in = &api.VirtualMachineConfiguration{}
	}
	ref := in.ImageReference
	if ref == nil {
		// Recorded traffic: a request without an image came back with Ubuntu 16.04-LTS.
		in.ImageReference = &api.ImageReference{
			Publisher: api.Ptr(api.DefaultImagePublisher),
			Offer:     api.Ptr(api.DefaultImageOffer),
			Sku:       api.Ptr(api.DefaultImageSku),
			Version:   api.Ptr(api.DefaultImageVersion),
		}
		return in, nil
	}
	// publisher, offer and sku stay required with a custom image: they name its base image.
	for _, f := range []struct {
		name string
		v    *string
	}{{"publisher", ref.Publisher}, {"offer", ref.Offer}, {"sku", ref.Sku}} {
		if !isSet(f.v) {
			return nil, missing(pathImage + "." + f.name)
		}
	}
	if ref.Version == nil {
		ref.Version = api.Ptr(api.DefaultImageVersion)
	}
	if id := ref.VirtualMachineImageID; id != nil &&
		!armIDMatches(*id, "Microsoft.Compute", "images") {
		return nil, invalid(pathImage+".virtualMachineImageId", "'%s' is not a custom image ID; expected "+
			"/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Compute/images/{imageName}", *id)
	}
	return in, nil
}

func checkUserAccount(u *api.UserAccountSettings) *Error {
	if u == nil {
		return missing(pathUser)
	}
	if !isSet(u.AdminUserName) {
		return missing(pathUser + ".adminUserName")
	}
	if !isSet(u.AdminUserSSHPublicKey) && !isSet(u.AdminUserPassword) {
		e := missing(pathUser)
		e.Message = "Please provide admin user password or ssh key: at least one of '" + pathUser +
			".adminUserSshPublicKey' or '" + pathUser + ".adminUserPassword' is required."
		return e
	}
	// Linux nodes of that era took OpenSSH RSA keys only. The key itself is never quoted.
	if k := u.AdminUserSSHPublicKey; isSet(k) && !strings.HasPrefix(strings.TrimSpace(*k), "ssh-rsa ") {
		return invalid(pathUser+".adminUserSshPublicKey", "not an OpenSSH public key; expected a single line "+
			"starting with 'ssh-rsa ' (the format of ~/.ssh/id_rsa.pub)")
	}
	return nil
}

// checkResourceID checks a ResourceId {id} of the given type.
func checkResourceID(path string, r *api.ResourceID, namespace string, types ...string) *Error {
	if !isSet(r.ID) {
		return missing(path + ".id")
	}
	if !armIDMatches(*r.ID, namespace, types...) {
		shape := "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/" + namespace
		for _, t := range types {
			shape += "/" + t + "/{name}"
		}
		return invalid(path+".id", "'%s' is not a valid resource ID; expected %s", *r.ID, shape)
	}
	return nil
}

// enum checks an enumerated string. The service parsed enums case-insensitively (its JSON
// converter did) and returned the canonical lower-case spelling, so "Dedicated" is accepted and
// comes back as "dedicated": a client that compares what it sent with what it reads must cope.
func enum(path string, v *string, def string, allowed ...string) (*string, *Error) {
	if v == nil {
		return api.Ptr(def), nil
	}
	for _, a := range allowed {
		if strings.EqualFold(*v, a) {
			return api.Ptr(a), nil
		}
	}
	return nil, invalid(path, "'%s' is not one of the allowed values: %s", Sanitize(*v), strings.Join(allowed, ", "))
}

// isSet reports a present, non-empty string: an empty name, key or path is as good as none.
func isSet(s *string) bool { return s != nil && *s != "" }
