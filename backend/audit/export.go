package audit

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Export formats.
const (
	CSV   = "csv"
	JSONL = "jsonl"
)

// CSVHeader is the first line of a CSV export, in column order.
var CSVHeader = []string{"seq", "id", "time", "actor_id", "actor_name", "actor_email", "action", "target_type",
	"target_id", "target_name", "workspace_id", "workspace_name", "details"}

// exportProgressEvery is how many events Export writes between progress reports.
const exportProgressEvery = 10_000

// Export writes the filter's events to w, oldest first, as CSV (RFC 4180:
// a header line, CRLF line ends, quotes where needed, UTF-8; a cell of text
// that starts like a formula is prefixed with ') or as JSONL (one JSON object
// per line, details as stored). It streams: a few hundred rows in memory at
// a time, read by one goroutine while this one writes. It reports progress (events written, and the total counted first) every few
// thousand events and stops when ctx is cancelled.
func Export(ctx context.Context, q querier, f Filter, format string, w io.Writer, progress func(done, total int64)) (int64, error) {
	if format != CSV && format != JSONL {
		return 0, fmt.Errorf("audit: unknown export format %q", format)
	}
	if progress == nil {
		progress = func(int64, int64) {}
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	var line []byte
	if format == CSV {
		for i, h := range CSVHeader {
			if i > 0 {
				line = append(line, ',')
			}
			line = append(line, h...)
		}
		line = append(line, '\r', '\n')
		if _, err := bw.Write(line); err != nil {
			return 0, err
		}
	}
	lo, hi, empty, err := seqRange(ctx, q, f)
	if err != nil {
		return 0, err
	}
	var n, total int64
	if !empty {
		if total, err = countRange(ctx, q, f, lo, hi); err != nil {
			return 0, err
		}
		progress(0, total)
		byRowid, err := mostlyOrg(ctx, q, f, lo, hi, total)
		if err != nil {
			return 0, err
		}
		if n, err = exportRows(ctx, q, f, lo, hi, byRowid, format, bw, func(done int64) { progress(done, total) }); err != nil {
			return n, err
		}
	}
	if err := bw.Flush(); err != nil {
		return n, err
	}
	progress(n, max(n, total))
	return n, nil
}

// rowBatch is how many rows the reader hands the writer at a time.
const rowBatch = 512

type packedRow struct {
	seq    int64
	packed string
}

// exportRows reads the rows on one goroutine and formats and writes them on
// this one: on two cores the file is written while SQLite reads on.
func exportRows(ctx context.Context, q querier, f Filter, lo, hi int64, byRowid bool, format string, w io.Writer,
	progress func(done int64)) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	query, args := exportSQL(f, lo, hi, byRowid)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	batches := make(chan []packedRow, 4)
	readErr := make(chan error, 1)
	go func() {
		defer close(batches)
		defer rows.Close()
		batch := make([]packedRow, 0, rowBatch)
		for rows.Next() {
			var r packedRow
			if err := rows.Scan(&r.seq, &r.packed); err != nil {
				readErr <- err
				return
			}
			if batch = append(batch, r); len(batch) == rowBatch {
				select {
				case batches <- batch:
				case <-ctx.Done():
					readErr <- ctx.Err()
					return
				}
				batch = make([]packedRow, 0, rowBatch)
			}
		}
		if err := rows.Err(); err != nil {
			readErr <- err
			return
		}
		if len(batch) > 0 {
			select {
			case batches <- batch:
			case <-ctx.Done():
				readErr <- ctx.Err()
				return
			}
		}
		readErr <- nil
	}()
	n, err := writeRows(ctx, q, f, format, w, batches, progress)
	if err != nil {
		cancel()
		for range batches { // let the reader finish before the caller's transaction ends
		}
		<-readErr
		return n, err
	}
	return n, <-readErr
}

func writeRows(ctx context.Context, q querier, f Filter, format string, w io.Writer, batches <-chan []packedRow,
	progress func(done int64)) (int64, error) {
	names := newNames(q, f.OrgID)
	bounds := boundsOf(f)
	var line []byte
	var n int64
	for batch := range batches {
		for _, r := range batch {
			e := Entry{Seq: r.seq}
			at, ok := unpack(r.packed, &e)
			if !ok {
				return n, fmt.Errorf("audit: export: row %d could not be read", e.Seq)
			}
			if !bounds.open() && !bounds.contain(at) {
				continue
			}
			if err := names.fill(ctx, &e); err != nil {
				return n, err
			}
			if format == CSV {
				line = appendCSVRow(line[:0], &e, at)
			} else {
				line = appendJSONLine(line[:0], &e, at)
			}
			if _, err := w.Write(line); err != nil {
				return n, err
			}
			if n++; n%exportProgressEvery == 0 {
				if err := ctx.Err(); err != nil {
					return n, err
				}
				progress(n)
			}
		}
	}
	return n, nil
}

// packedColumns is an exported row's text columns in one value, each but the
// last as "<bytes>:<text>": one value per row to fetch from SQLite instead
// of eight, and a split that no content can confuse.
const packedColumns = `octet_length(id) || ':' || id || octet_length(at) || ':' || at ||
	octet_length(actor_id) || ':' || actor_id || octet_length(action) || ':' || action ||
	octet_length(target_type) || ':' || target_type || octet_length(target_id) || ':' || target_id ||
	octet_length(workspace_id) || ':' || workspace_id || details`

// unpack splits a packedColumns value into e (and the stored timestamp).
func unpack(s string, e *Entry) (at string, ok bool) {
	fields := [...]*string{&e.ID, &at, &e.ActorID, &e.Action, &e.TargetType, &e.TargetID, &e.WorkspaceID}
	for _, dst := range fields {
		colon := strings.IndexByte(s, ':')
		if colon < 0 {
			return "", false
		}
		n, err := strconv.Atoi(s[:colon])
		if err != nil || n < 0 || colon+1+n > len(s) {
			return "", false
		}
		*dst = s[colon+1 : colon+1+n]
		s = s[colon+1+n:]
	}
	e.Details = s
	e.At = time.Time{}
	return at, true
}

func appendCSVRow(b []byte, e *Entry, at string) []byte {
	b = strconv.AppendInt(b, e.Seq, 10)
	for _, s := range [...]string{e.ID, normalTime(at), e.ActorID, e.ActorName, e.ActorEmail, e.Action, e.TargetType,
		e.TargetID, e.TargetName, e.WorkspaceID, e.WorkspaceName, e.Details} {
		b = append(b, ',')
		b = appendCSVCell(b, s)
	}
	return append(b, '\r', '\n')
}

// normalTime writes a stored timestamp as RFC 3339 in UTC (already so, unless
// the row was written by hand).
func normalTime(at string) string {
	if len(at) > 0 && at[len(at)-1] == 'Z' {
		return at
	}
	if t, err := time.Parse(time.RFC3339Nano, at); err == nil && t.Location() != time.UTC {
		return t.UTC().Format(time.RFC3339Nano)
	}
	return at
}

var needsQuote, formulaStart [256]bool

func init() {
	for _, c := range "\",\r\n" {
		needsQuote[c] = true
	}
	for _, c := range "=+-@\t\r" {
		formulaStart[c] = true
	}
}

// appendCSVCell quotes a cell when RFC 4180 needs it, and defuses text a
// spreadsheet would run as a formula (=, +, -, @, and a leading tab or CR)
// by starting it with an apostrophe.
func appendCSVCell(b []byte, s string) []byte {
	formula := s != "" && formulaStart[s[0]]
	quote := false
	for i := 0; i < len(s); i++ {
		if needsQuote[s[i]] {
			quote = true
			break
		}
	}
	if !quote {
		if formula {
			b = append(b, '\'')
		}
		return append(b, s...)
	}
	b = append(b, '"')
	if formula {
		b = append(b, '\'')
	}
	for i := 0; i < len(s); i++ {
		if s[i] == '"' {
			b = append(b, '"')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

func appendJSONLine(b []byte, e *Entry, at string) []byte {
	b = append(b, `{"seq":`...)
	b = strconv.AppendInt(b, e.Seq, 10)
	field := func(name, v string) {
		b = append(b, ',', '"')
		b = append(b, name...)
		b = append(b, '"', ':')
		b = appendJSONString(b, v)
	}
	field("id", e.ID)
	field("time", normalTime(at))
	field("actorId", e.ActorID)
	field("actorName", e.ActorName)
	field("actorEmail", e.ActorEmail)
	field("action", e.Action)
	field("targetType", e.TargetType)
	field("targetId", e.TargetID)
	field("targetName", e.TargetName)
	field("workspaceId", e.WorkspaceID)
	field("workspaceName", e.WorkspaceName)
	b = append(b, `,"details":`...)
	if json.Valid([]byte(e.Details)) {
		b = append(b, e.Details...)
	} else { // a hand-edited row: keep it, as text, and the line valid
		b = appendJSONString(b, e.Details)
	}
	return append(b, '}', '\n')
}

const hexDigits = "0123456789abcdef"

// appendJSONString writes s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 replaced, U+2028/2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
