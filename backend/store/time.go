package store

import "time"

// timeLayout is RFC 3339 with a fixed nine-digit fraction: timestamps stored
// as text then sort in time order (RFC3339Nano drops trailing zeros, so
// "…:53Z" would sort after "…:53.25Z").
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// Timestamp formats t (in UTC) for a timestamp column.
func Timestamp(t time.Time) string { return t.UTC().Format(timeLayout) }

// ParseTime reads a timestamp column; it also reads the older variable-width
// form. An empty or malformed value is the zero time.
func ParseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}
