package conformance

import (
	"github.com/batchai-tf/terraform-provider-batchai/internal/apispec"

	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// operation is one operation of the spec.
type operation struct {
	id, method, path string
	responses        map[string]any // status ("200", "default") -> response object
	examples         []string       // example file names
}

type spec struct {
	defs map[string]any
	ops  map[string]*operation // by operationId
	byEx map[string]*operation // by example file name
}

var (
	specOnce   sync.Once
	loadedSpec *spec
	specErr    error
)

func loadSpec(t *testing.T) *spec {
	t.Helper()
	specOnce.Do(func() {
		raw, err := apispec.Spec()
		if err != nil {
			specErr = fmt.Errorf("reading the embedded 2018-05-01 spec: %w", err)
			return
		}
		var doc struct {
			Paths       map[string]map[string]json.RawMessage `json:"paths"`
			Definitions map[string]any                        `json:"definitions"`
		}
		if specErr = json.Unmarshal(raw, &doc); specErr != nil {
			return
		}
		s := &spec{defs: doc.Definitions, ops: map[string]*operation{}, byEx: map[string]*operation{}}
		for path, methods := range doc.Paths {
			for method, rawOp := range methods {
				var o struct {
					OperationID string                    `json:"operationId"`
					Responses   map[string]any            `json:"responses"`
					Examples    map[string]map[string]any `json:"x-ms-examples"`
				}
				if json.Unmarshal(rawOp, &o) != nil || o.OperationID == "" {
					continue
				}
				op := &operation{id: o.OperationID, method: strings.ToUpper(method), path: path, responses: o.Responses}
				for _, ex := range o.Examples {
					name := filepath.Base(fmt.Sprint(ex["$ref"]))
					op.examples = append(op.examples, name)
					s.byEx[name] = op
				}
				s.ops[op.id] = op
			}
		}
		loadedSpec = s
	})
	if specErr != nil {
		t.Fatal(specErr)
	}
	return loadedSpec
}

// example is one of Microsoft's example files.
type example struct {
	Parameters map[string]any            `json:"parameters"`
	Responses  map[string]map[string]any `json:"responses"`
}

// loadExample reads an example with the examples' subscription replaced by sub everywhere.
func loadExample(t *testing.T, file, sub string) example {
	t.Helper()
	raw, err := apispec.Example(file)
	if err != nil {
		t.Fatalf("reading example: %v", err)
	}
	raw = []byte(strings.ReplaceAll(string(raw), exampleSub, sub))
	var ex example
	if err := json.Unmarshal(raw, &ex); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return ex
}

// requestPath builds the request path of an example from its operation's path template and parameters, with
// over overriding some of them (e.g. a different resource name).
func (s *spec) requestPath(t *testing.T, file string, ex example, over map[string]string) string {
	t.Helper()
	op, ok := s.byEx[file]
	if !ok {
		t.Fatalf("no operation of the spec references %s", file)
	}
	path := op.path
	for k, val := range over {
		path = strings.ReplaceAll(path, "{"+k+"}", val)
	}
	for k, val := range ex.Parameters {
		if sv, ok := val.(string); ok {
			path = strings.ReplaceAll(path, "{"+k+"}", sv)
		}
	}
	if strings.Contains(path, "{") {
		t.Fatalf("%s: unresolved path parameters in %s", file, path)
	}
	return path + "?api-version=" + apiVersion
}

// checkResponse validates r against the responses operationId declares: the status must be listed (or the
// operation must have a default response for errors), and the body must match the status's schema.
func (s *spec) checkResponse(t *testing.T, operationID string, r *resp) {
	t.Helper()
	op, ok := s.ops[operationID]
	if !ok {
		t.Fatalf("unknown operation %s", operationID)
	}
	where := operationID + " " + strconv.Itoa(r.status)
	respDef, ok := op.responses[strconv.Itoa(r.status)].(map[string]any)
	if !ok {
		def, hasDefault := op.responses["default"].(map[string]any)
		switch {
		case hasDefault && r.status >= 400:
			respDef = def
		case r.status >= 400:
			// Operations_List and Usages_List declare no error response, yet ARM's own errors (401,
			// api-version...) reach them too, as CloudError (which checkCommon checks).
			return
		default:
			statuses := make([]string, 0, len(op.responses))
			for k := range op.responses {
				statuses = append(statuses, k)
			}
			sort.Strings(statuses)
			t.Errorf("%s: status %d is not one of the spec's responses %v", operationID, r.status, statuses)
			return
		}
	}
	schema, _ := respDef["schema"].(map[string]any)
	if schema == nil {
		if r.status == 202 && len(r.raw) != 0 {
			t.Errorf("%s: a 202 has no body in the spec (and in recorded traffic), got %.200s", where, r.raw)
		}
		return
	}
	if r.body == nil {
		t.Errorf("%s: no body; the spec declares one", where)
		return
	}
	for _, p := range s.validate(r.body, schema) {
		t.Errorf("%s: %s", where, p)
	}
}

// operationFor finds the operation of a request URL: the spec's path templates match segment by segment,
// literal segments case-insensitively as ARM does. It returns nil for URLs outside the spec (polling URLs,
// resource groups, unknown routes).
func (s *spec) operationFor(method, rawURL string) *operation {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	segs := strings.Split(strings.Trim(u.Path, "/"), "/")
	for _, op := range s.ops {
		if op.method != method {
			continue
		}
		tmpl := strings.Split(strings.Trim(op.path, "/"), "/")
		if len(tmpl) != len(segs) {
			continue
		}
		ok := true
		for i, t := range tmpl {
			if strings.HasPrefix(t, "{") {
				ok = ok && segs[i] != ""
			} else {
				ok = ok && strings.EqualFold(t, segs[i])
			}
		}
		if ok {
			return op
		}
	}
	return nil
}

// resolve follows $ref and merges allOf into one object schema.
func (s *spec) resolve(schema map[string]any) map[string]any {
	for {
		ref, ok := schema["$ref"].(string)
		if !ok {
			break
		}
		def, _ := s.defs[strings.TrimPrefix(ref, "#/definitions/")].(map[string]any)
		if def == nil {
			return map[string]any{}
		}
		schema = def
	}
	all, ok := schema["allOf"].([]any)
	if !ok {
		return schema
	}
	parts := make([]map[string]any, 0, len(all)+1)
	for _, a := range all {
		if m, ok := a.(map[string]any); ok {
			parts = append(parts, s.resolve(m))
		}
	}
	parts = append(parts, withoutKey(schema, "allOf"))
	merged := map[string]any{}
	props := map[string]any{}
	var required []any
	for _, p := range parts {
		for k, val := range p {
			merged[k] = val
		}
		if pp, ok := p["properties"].(map[string]any); ok {
			for k, val := range pp {
				props[k] = val
			}
		}
		required = append(required, asList(p["required"])...)
	}
	merged["properties"], merged["required"] = props, required
	delete(merged, "allOf")
	return merged
}

func withoutKey(m map[string]any, key string) map[string]any {
	out := make(map[string]any, len(m))
	for k, val := range m {
		if k != key {
			out[k] = val
		}
	}
	return out
}

// undocumented are the members the real service returned although the spec does not define them, by
// definition and path inside it, with where they were recorded. The validator accepts exactly these: the
// emulator sends them because real clients met them (jobs-fileservers-notes.md 2, traffic of 2021).
var undocumented = map[string]string{
	"JobProperties.experimentName":                  "recorded 2021",
	"JobProperties.coreCountPerNode":                "recorded 2021 (0 while queued)",
	"JobProperties.vmSize":                          "recorded 2021 (once scheduled)",
	"JobProperties.maxJobDurationSeconds":           "recorded 2021",
	"JobProperties.cleanupNodeBeforeRun":            "recorded 2021",
	"JobProperties.cleanupNodeAfterRun":             "recorded 2021",
	"JobProperties.constraints.maxAttempts":         "recorded 2021",
	"JobProperties.executionInfo.totalJobNodeHours": "recorded 2021",
}

// validate checks a decoded JSON value against a schema and returns every violation: types and formats
// (int32/int64 range, integral numbers, RFC 3339 date-times), enums (exact spelling, as the spec and the
// recorded traffic write them), required members, and members the schema does not define (except the
// recorded undocumented ones).
func (s *spec) validate(val any, schema map[string]any) []string {
	return s.validateIn(val, schema, "$", "", "")
}

// validateIn is validate inside definition def, at rel (the member path since def).
func (s *spec) validateIn(val any, schema map[string]any, path, def, rel string) []string {
	if ref, ok := schema["$ref"].(string); ok {
		def, rel = strings.TrimPrefix(ref, "#/definitions/"), ""
	}
	schema = s.resolve(schema)
	typ, _ := schema["type"].(string)
	props, _ := schema["properties"].(map[string]any)
	if typ == "" && len(props) > 0 {
		typ = "object"
	}
	if val == nil {
		if nullable, _ := schema["x-nullable"].(bool); nullable || (typ == "object" && len(props) == 0) {
			return nil // a free-form object: the examples show "properties": null on operations
		}
		return []string{path + ": null where the spec declares " + cmpOr(typ, "a value")}
	}
	var problems []string
	bad := func(format string, args ...any) { problems = append(problems, path+": "+fmt.Sprintf(format, args...)) }
	switch typ {
	case "object":
		obj, ok := val.(map[string]any)
		if !ok {
			bad("want an object, got %T", val)
			break
		}
		for _, r := range asList(schema["required"]) {
			if _, ok := obj[fmt.Sprint(r)]; !ok {
				bad("required member %q is missing", r)
			}
		}
		addl, _ := schema["additionalProperties"].(map[string]any)
		for k, child := range obj {
			childRel := strings.TrimPrefix(rel+"."+k, ".")
			if ps, ok := props[k].(map[string]any); ok {
				problems = append(problems, s.validateIn(child, ps, path+"."+k, def, childRel)...)
			} else if addl != nil {
				problems = append(problems, s.validateIn(child, addl, path+"."+k, def, childRel)...)
			} else if _, known := undocumented[def+"."+childRel]; !known && len(props) > 0 {
				bad("member %q is not defined by the spec", k)
			}
		}
	case "array":
		list, ok := val.([]any)
		if !ok {
			bad("want an array, got %T", val)
			break
		}
		items, _ := schema["items"].(map[string]any)
		for i, item := range list {
			problems = append(problems, s.validateIn(item, items, fmt.Sprintf("%s[%d]", path, i), def, rel+"[]")...)
		}
	case "string":
		sv, ok := val.(string)
		if !ok {
			bad("want a string, got %T (%v)", val, val)
			break
		}
		if enum := asList(schema["enum"]); len(enum) > 0 && !containsExact(enum, sv) {
			bad("%q is not one of the spec's values %v", sv, enum)
		}
		if schema["format"] == "date-time" {
			if _, err := time.Parse(time.RFC3339Nano, sv); err != nil {
				bad("%q is not an RFC 3339 date-time", sv)
			}
		}
	case "integer", "number":
		f, ok := val.(float64)
		if !ok {
			bad("want a number, got %T (%v)", val, val)
			break
		}
		switch schema["format"] {
		case "int32":
			if f != math.Trunc(f) || f < math.MinInt32 || f > math.MaxInt32 {
				bad("%v is not an int32", f)
			}
		case "int64":
			if f != math.Trunc(f) {
				bad("%v is not an int64", f)
			}
		}
		if typ == "integer" && f != math.Trunc(f) {
			bad("%v is not an integer", f)
		}
	case "boolean":
		if _, ok := val.(bool); !ok {
			bad("want a boolean, got %T", val)
		}
	}
	return problems
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func containsExact(list []any, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestSpecValidatorCatchesViolations keeps the validator honest: a body with the mistakes it must catch.
func TestSpecValidatorCatchesViolations(t *testing.T) {
	s := loadSpec(t)
	bad := map[string]any{
		"id": "x", "name": "n", "type": "t", "extra": 1,
		"properties": map[string]any{
			"vmPriority":       "Dedicated",
			"currentNodeCount": 1.5,
			"creationTime":     "yesterday",
			"nodeStateCounts":  map[string]any{"idleNodeCount": "1"},
			"scaleSettings":    map[string]any{"manual": map[string]any{}},
		},
	}
	problems := s.validate(bad, map[string]any{"$ref": "#/definitions/Cluster"})
	for _, want := range []string{`"extra"`, `"Dedicated"`, "1.5", "yesterday", "idleNodeCount: want a number",
		`"targetNodeCount" is missing`} {
		found := false
		for _, p := range problems {
			found = found || strings.Contains(p, want)
		}
		if !found {
			t.Errorf("validator missed %s; problems: %v", want, problems)
		}
	}
	for path, want := range map[string]string{
		"/subscriptions/s/resourceGroups/g/providers/Microsoft.BatchAI/workspaces/w/clusters/c?api-version=x": "Clusters_Get",
		"/SUBSCRIPTIONS/s/resourcegroups/g/providers/microsoft.batchai/Workspaces/w/CLUSTERS/c":               "Clusters_Get",
		"/providers/Microsoft.BatchAI/operations":                                                             "Operations_List",
		"/subscriptions/s/providers/Microsoft.BatchAI/locations/l/operationresults/x":                         "",
	} {
		got := ""
		if op := s.operationFor("GET", "https://h"+path); op != nil {
			got = op.id
		}
		if got != want {
			t.Errorf("operationFor(GET %s) = %q, want %q", path, got, want)
		}
	}
	// The recorded undocumented members are accepted where they were recorded, and only there.
	job := map[string]any{"properties": map[string]any{"experimentName": "e", "constraints": map[string]any{"maxAttempts": 5},
		"executionInfo": map[string]any{"totalJobNodeHours": 0.5}}}
	if p := s.validate(job, map[string]any{"$ref": "#/definitions/Job"}); len(p) != 0 {
		t.Errorf("recorded undocumented members refused: %v", p)
	}
	misplaced := map[string]any{"properties": map[string]any{"experimentName": "e"}}
	if p := s.validate(misplaced, map[string]any{"$ref": "#/definitions/Cluster"}); len(p) != 1 {
		t.Errorf("an undocumented job member on a cluster must be caught, got %v", p)
	}
	port := map[string]any{"value": []any{map[string]any{"nodeId": "n", "ipAddress": "1.2.3.4", "port": "50000"}}}
	if p := s.validate(port, map[string]any{"$ref": "#/definitions/RemoteLoginInformationListResult"}); len(p) != 1 {
		t.Errorf("a string port must be caught once, got %v", p)
	}
}
