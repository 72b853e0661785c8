package billmgr

import (
	"fmt"
	"net/url"
	"strings"
)

// OnOff is BILLmanager's on/off value. In replies it reads "on"/"off", and an empty
// element (<autostart/>) means set; in requests it writes "on" or "off". Use *OnOff with
// omitempty in params so that an unset value stays off the wire and an explicit false
// sends "off".
type OnOff bool

// UnmarshalText reads on/off (also yes/no, true/false, 1/0); empty text means set.
func (f *OnOff) UnmarshalText(b []byte) error {
	switch strings.ToLower(strings.TrimSpace(string(b))) {
	case "", "on", "yes", "true", "1":
		*f = true
	case "off", "no", "false", "0":
		*f = false
	default:
		return fmt.Errorf("on/off %q: want on or off", b)
	}
	return nil
}

// parseOnOffBytes reads on/off like OnOff.UnmarshalText, the decoder's way: from the
// bytes of a column, with a fast path for "on" and "off".
func parseOnOffBytes(text []byte) (bool, error) {
	switch string(trimSpace(text)) {
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	var f OnOff
	err := f.UnmarshalText(text)
	return bool(f), err
}

// String returns "on" or "off".
func (f OnOff) String() string {
	if f {
		return "on"
	}
	return "off"
}

// MarshalText writes "on" or "off".
func (f OnOff) MarshalText() ([]byte, error) { return []byte(f.String()), nil }

// EncodeValues writes "on" or "off".
func (f OnOff) EncodeValues(key string, v *url.Values) error {
	v.Set(key, f.String())
	return nil
}
