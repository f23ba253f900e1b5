// Package conformance checks the emulator the way an independent client written against the Microsoft.BatchAI
// 2018-05-01 specification would: raw HTTP and generic JSON built from BatchAI.json and Microsoft's example
// request bodies, a token obtained with a plain client-credentials POST, and every response checked against the
// spec's schemas, ARM's conventions and the recorded behavior of the real service
// (shared/reference/batchai-api-notes.md). It deliberately imports neither internal/api nor internal/client,
// whose shared wire models would hide bugs the client and the emulator agree on.
//
// Only emulatortest is used, to run the server.
package conformance
