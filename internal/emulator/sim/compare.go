package sim

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/api"
)

// CompareCreate checks a PUT of an existing cluster. Only scale settings can change after
// creation (spec: ClusterUpdateProperties holds nothing else), so CompareCreate ignores them: the
// HTTP layer applies them with Resize, which changes nothing when they are equal. Any other
// difference, secrets included, is a 409 PropertyChangeNotAllowed naming the first differing
// property in spec order (never its value). p is run through PrepareCreate first (defaults are
// idempotent), so a request that leaves out a default equals one that spells it out, and an
// invalid request gets its validation error. VM sizes and resource IDs compare
// case-insensitively, as Azure treats them. A subnet the cluster inherited from a file server
// (InheritSubnet) matches a request without one. A deleting cluster answers 409.
func CompareCreate(existing *Cluster, p api.ClusterBaseProperties) *Error {
	if err := existing.checkNotDeleting("updated"); err != nil {
		return err
	}
	want, err := PrepareCreate(p)
	if err != nil {
		return err
	}
	have := clone(existing.Props)
	have.ScaleSettings, want.ScaleSettings = nil, nil
	if existing.InheritedSubnet && want.Subnet == nil {
		want.Subnet = have.Subnet
	}
	path, differs := firstDifference(reflect.ValueOf(have), reflect.ValueOf(want), pathProps, "")
	if !differs {
		return nil
	}
	return &Error{
		Status: http.StatusConflict,
		Code:   CodePropertyChangeNotAllowed,
		Target: path,
		Message: fmt.Sprintf("Cluster properties other than scaleSettings cannot be changed: the request changes '%s' "+
			"of the existing cluster %s. Delete the cluster and create it again to change it.", path, existing.Name),
	}
}

// CompareJob checks a PUT of an existing job. Jobs have no update, so the request, once prepared
// (PrepareJob; an invalid request gets its validation error), must equal the job's properties, secrets
// included; a difference is a 409 PropertyChangeNotAllowed naming the first differing property in spec
// order (never its value). Resource IDs compare case-insensitively.
func CompareJob(existing *Job, p api.JobBaseProperties) *Error {
	want, err := PrepareJob(p)
	if err != nil {
		return err
	}
	path, differs := firstDifference(reflect.ValueOf(existing.Props), reflect.ValueOf(want), pathProps, "")
	if !differs {
		return nil
	}
	return &Error{
		Status: http.StatusConflict,
		Code:   CodePropertyChangeNotAllowed,
		Target: path,
		Message: fmt.Sprintf("Job properties cannot be changed: the request changes '%s' of the existing job %s. "+
			"Jobs have no update: delete the job and create it again.", path, existing.Name),
	}
}

// firstDifference walks two values of the same model type in field order and returns the JSON
// path of the first difference. An absent pointer equals a pointer to a zero value and a nil
// slice an empty one: the service does not distinguish them either.
func firstDifference(a, b reflect.Value, path, key string) (string, bool) {
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			if isZero(a) && isZero(b) {
				return "", false
			}
			return path, true
		}
		return firstDifference(a.Elem(), b.Elem(), path, key)
	case reflect.Struct:
		t := a.Type()
		for i := range t.NumField() {
			name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
			if p, d := firstDifference(a.Field(i), b.Field(i), path+"."+name, name); d {
				return p, true
			}
		}
		return "", false
	case reflect.Slice:
		if a.Len() != b.Len() {
			return path, true
		}
		for i := range a.Len() {
			if p, d := firstDifference(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i), key); d {
				return p, true
			}
		}
		return "", false
	case reflect.String:
		if key == "vmSize" || key == "id" {
			return path, !strings.EqualFold(a.String(), b.String())
		}
		return path, a.String() != b.String()
	default:
		return path, !reflect.DeepEqual(a.Interface(), b.Interface())
	}
}

func isZero(v reflect.Value) bool {
	if v.Kind() == reflect.Pointer {
		return v.IsNil() || v.Elem().IsZero()
	}
	return v.IsZero()
}
