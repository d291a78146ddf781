// Package apperr defines coded errors: a stable code the UI localizes, the
// field it concerns (if any) and the parameters the message needs.
package apperr

import (
	"encoding/json"
	"errors"
)

// Error is a domain error with a stable code such as "auth.invalid_credentials".
// The code doubles as the message key in locales/ under "error.<code>".
type Error struct {
	Code   string         `json:"code"`
	Field  string         `json:"field,omitempty"`
	Params map[string]any `json:"params,omitempty"`
}

func (e *Error) Error() string {
	b, _ := json.Marshal(e)
	return string(b)
}

// New returns a coded error.
func New(code string) *Error { return &Error{Code: code} }

// Field returns a coded error about one input field.
func Field(field, code string) *Error { return &Error{Code: code, Field: field} }

// With adds a parameter to the error and returns it.
func (e *Error) With(key string, value any) *Error {
	if e.Params == nil {
		e.Params = map[string]any{}
	}
	e.Params[key] = value
	return e
}

// Internal is the code for failures the user cannot act on (disk full, bug).
const Internal = "internal"

// Code returns the code of err, or Internal when err is not coded.
func Code(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns err as a coded error; an uncoded error becomes Internal so that
// nothing but codes crosses into the UI.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return New(Internal)
}
