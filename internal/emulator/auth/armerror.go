package auth

import (
	"encoding/json"
	"net/http"
)

// armErrorBody is ARM's error envelope: {"error":{"code":"...","message":"..."}}.
type armErrorBody struct {
	Error armError `json:"error"`
}

type armError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeARMError writes an ARM error. x-ms-failure-cause tells clients (and people reading traces) that ARM's
// front door, not the resource provider, rejected the request, as real ARM does for these failures.
func writeARMError(w http.ResponseWriter, status int, code, message string) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("x-ms-failure-cause", "gateway")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(armErrorBody{Error: armError{Code: code, Message: message}})
}
