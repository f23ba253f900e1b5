package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"strings"
)

// maxBodyBytes is ARM's request size limit (4 MB); bigger bodies never reach a resource provider.
const maxBodyBytes = 4 << 20

// decodeBody strictly decodes a JSON request body into v: the body must be a single JSON object of v's
// shape, with no unknown members and no values of the wrong type. Every failure is a 4xx ARM error that
// names the JSON path, never a 5xx. Values are never quoted in messages, since they may be secrets.
func decodeBody(r *http.Request, v any) *apiError {
	body, ae := readBody(r)
	if ae != nil {
		return ae
	}
	return decodeJSON(body, v)
}

// decodeOptionalBody is decodeBody for operations whose body may be absent (an experiment PUT, whose spec
// declares none): an empty body decodes to nothing and reports false.
func decodeOptionalBody(r *http.Request, v any) (bool, *apiError) {
	body, ae := readBody(r)
	if ae != nil || len(bytes.TrimSpace(body)) == 0 {
		return false, ae
	}
	return true, decodeJSON(body, v)
}

func readBody(r *http.Request) ([]byte, *apiError) {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, newError(http.StatusUnsupportedMediaType, "UnsupportedMediaType",
				"The content media type '%s' is not supported. Only 'application/json' is supported.", sanitize(ct))
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return nil, invalidContent("", "the request body could not be read")
	}
	if len(body) > maxBodyBytes {
		return nil, newError(http.StatusRequestEntityTooLarge, "RequestContentTooLarge",
			"The request content size exceeds the maximum size of %d bytes.", maxBodyBytes)
	}
	return body, nil
}

// decodeJSON is decodeBody's parser, separate so that fuzz tests can drive it directly.
func decodeJSON(body []byte, v any) *apiError {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return invalidContent("", "the request body is empty")
	}
	if trimmed[0] != '{' {
		return invalidContent("", "the request body must be a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err, trimmed, reflect.TypeOf(v))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return invalidContent("", "additional text was found after the end of the JSON object")
	}
	return nil
}

func invalidContent(path, detail string) *apiError {
	msg := "The request content was invalid and could not be deserialized: '" + detail
	if path != "" {
		msg += ". Path '" + path + "'"
	}
	return newError(http.StatusBadRequest, "InvalidRequestContent", "%s.'.", msg).withTarget(path)
}

// decodeError turns encoding/json's errors into the RP's InvalidRequestContent with a JSON path.
func decodeError(err error, body []byte, t reflect.Type) *apiError {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return invalidContent("", fmt.Sprintf("%s (at offset %d)", syn.Error(), syn.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalidContent("", "unexpected end of the JSON content")
	case errors.As(err, &typ):
		// Field is the dotted path from the root (without array indices); Value is the JSON kind, e.g.
		// "string" or "number 1e40", so no secret can leak through it.
		return invalidContent(typ.Field, fmt.Sprintf("could not convert a JSON %s to %s", typ.Value, kindName(typ.Type)))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json does not say where the field is; find it ourselves.
		var generic any
		if json.Unmarshal(body, &generic) == nil {
			if path, owner := unknownField(generic, t, ""); path != "" {
				return invalidContent(path, fmt.Sprintf("could not find member '%s' on object of type '%s'",
					path[strings.LastIndex(path, ".")+1:], owner))
			}
		}
		return invalidContent("", "the request content has an unknown member")
	}
	return invalidContent("", "the request content is not valid JSON")
}

// kindName names a Go type the way the spec would (int32, string, object, array).
func kindName(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Int32:
		return "an int32"
	case reflect.Int64:
		return "an int64"
	case reflect.Bool:
		return "a boolean"
	case reflect.String:
		return "a string"
	}
	return t.String()
}

// unknownField walks a generically decoded body alongside the target type and returns the path of the
// first member the type does not have, and the name of the type that lacks it. Member names match
// case-insensitively, as encoding/json does.
func unknownField(v any, t reflect.Type, path string) (string, string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch val := v.(type) {
	case map[string]any:
		switch t.Kind() {
		case reflect.Map:
			for k, child := range val {
				if p, o := unknownField(child, t.Elem(), join(path, k)); p != "" {
					return p, o
				}
			}
		case reflect.Struct:
			for k, child := range val {
				ft, ok := jsonField(t, k)
				if !ok {
					return join(path, k), t.Name()
				}
				if p, o := unknownField(child, ft, join(path, k)); p != "" {
					return p, o
				}
			}
		}
	case []any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, child := range val {
				if p, o := unknownField(child, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); p != "" {
					return p, o
				}
			}
		}
	}
	return "", ""
}

func jsonField(t reflect.Type, name string) (reflect.Type, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" || !f.IsExported() {
			continue
		}
		if tag == "" {
			tag = f.Name
		}
		if strings.EqualFold(tag, name) {
			return f.Type, true
		}
	}
	return nil, false
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}
