package sim

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/batchai-tf/terraform-provider-batchai/internal/vmsize"
)

// VMSize is an Azure VM size a cluster can use: the shared table's entry (internal/vmsize).
type VMSize = vmsize.Size

// supportedVMSizes is the detail the service attached to an unsupported-size error: the
// upper-case names, comma-separated, sorted.
var supportedVMSizes = func() string {
	sizes := vmsize.All()
	names := make([]string, 0, len(sizes))
	for _, s := range sizes {
		names = append(names, strings.ToUpper(s.Name))
	}
	sort.Strings(names)
	return strings.Join(names, ",")
}()

// LookupVMSize finds a supported size, case-insensitively. An empty, unknown or excluded size is
// a 400 naming the value and properties.vmSize.
func LookupVMSize(name string) (VMSize, *Error) {
	const path = "properties.vmSize"
	if name == "" {
		return VMSize{}, missing(path)
	}
	excluded := vmsize.Excluded(name) != vmsize.NotExcluded
	if s, ok := vmsize.Lookup(name); ok && !excluded {
		return s, nil
	}
	// The wording is the real service's ("The specified value Standard_F4s for property
	// Cluster.Properties.VMSize is not a supported VM size. See additional details for
	// supported VM sizes."), with the JSON path in place of the C# property path.
	msg := fmt.Sprintf("The specified value %s for property %s is not a supported VM size. "+
		"See additional details for supported VM sizes.", name, path)
	if excluded {
		msg = fmt.Sprintf("The specified value %s for property %s is not a supported VM size: "+
			"clusters support all Azure VM sizes except STANDARD_A0 and those with premium storage "+
			"(STANDARD_GS, STANDARD_DS and STANDARD_DSV2 series). See additional details for supported VM sizes.",
			name, path)
	}
	return VMSize{}, &Error{
		Status:  http.StatusBadRequest,
		Code:    CodeInvalidPropertyValue,
		Target:  path,
		Message: msg,
		Details: []Error{{Code: CodeSupportedVMSizes, Message: supportedVMSizes}},
	}
}
