package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
)

// Event is one asciicast v2 event.
type Event struct {
	Time float64 // seconds since the start
	Code string  // "o" output, "i" input, "r" resize, "m" marker
	Data string
}

// ReadCast parses and validates an asciicast v2 file: a header object with
// version 2 and a positive size, then one event per line, each a JSON
// array [time, code, data] with non-decreasing times, a known code and
// string data. Errors name the line.
func ReadCast(r io.Reader) (Header, []Event, error) {
	var h Header
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return h, nil, err
		}
		return h, nil, fmt.Errorf("cast: empty file")
	}
	d := json.NewDecoder(bytes.NewReader(sc.Bytes()))
	d.DisallowUnknownFields()
	if err := d.Decode(&h); err != nil {
		return h, nil, fmt.Errorf("cast line 1: header: %w", err)
	}
	if h.Version != 2 || h.Width <= 0 || h.Height <= 0 {
		return h, nil, fmt.Errorf("cast line 1: header: version %d, size %dx%d (want version 2 and a positive size)", h.Version, h.Width, h.Height)
	}
	var evs []Event
	last := 0.0
	for n := 2; sc.Scan(); n++ {
		var raw []json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &raw); err != nil {
			return h, evs, fmt.Errorf("cast line %d: %w", n, err)
		}
		if len(raw) != 3 {
			return h, evs, fmt.Errorf("cast line %d: %d elements, want [time, code, data]", n, len(raw))
		}
		var e Event
		if err := json.Unmarshal(raw[0], &e.Time); err != nil {
			return h, evs, fmt.Errorf("cast line %d: time: %w", n, err)
		}
		if err := json.Unmarshal(raw[1], &e.Code); err != nil {
			return h, evs, fmt.Errorf("cast line %d: code: %w", n, err)
		}
		if err := json.Unmarshal(raw[2], &e.Data); err != nil {
			return h, evs, fmt.Errorf("cast line %d: data: %w", n, err)
		}
		switch e.Code {
		case "o", "i", "r", "m":
		default:
			return h, evs, fmt.Errorf("cast line %d: unknown event code %q", n, e.Code)
		}
		if e.Time < last || e.Time < 0 {
			return h, evs, fmt.Errorf("cast line %d: time %v goes back (previous %v)", n, e.Time, last)
		}
		last = e.Time
		evs = append(evs, e)
	}
	return h, evs, sc.Err()
}
