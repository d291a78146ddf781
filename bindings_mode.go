//go:build bindings

package main

// bindingsMode is true when the Wails CLI builds the app only to generate the
// frontend bindings: it runs without a display and must not touch user data.
const bindingsMode = true
