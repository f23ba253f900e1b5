package api

import (
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	day := 24 * time.Hour
	for in, want := range map[string]time.Duration{
		"P7D":            7 * day,
		"p150d":          150 * day,
		"P2W":            14 * day,
		"PT1H30M":        90 * time.Minute,
		"PT0.5S":         500 * time.Millisecond,
		"P1DT2H3M4.25S":  day + 2*time.Hour + 3*time.Minute + 4250*time.Millisecond,
		"PT0S":           0,
		"7.00:00:00":     7 * day,
		"01:30:00":       90 * time.Minute,
		"00:00:01.5":     1500 * time.Millisecond,
		"1.02:03":        day + 2*time.Hour + 3*time.Minute,
		"2":              2 * day,
		" P1D ":          day,
		"10.23:59:59.99": 10*day + 23*time.Hour + 59*time.Minute + 59*time.Second + 990*time.Millisecond,
	} {
		got, err := ParseDuration(in)
		if err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "P", "PT", "P1Y", "P1M", "-P1D", "-1.00:00:00", "1:60:00", "24:00:00",
		"1 day", "PT1H30", "P1DT", "P99999999999999999D", "1h"} {
		if d, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, d)
		}
	}
}

func TestFormatDuration(t *testing.T) {
	day := 24 * time.Hour
	for d, want := range map[time.Duration]string{
		150 * day:                         "P150D",
		7 * day:                           "P7D",
		time.Hour:                         "PT1H",
		0:                                 "PT0S",
		90 * time.Minute:                  "PT1H30M",
		day + 2*time.Hour + 4*time.Second: "P1DT2H4S",
		1500 * time.Millisecond:           "PT1.5S",
		time.Second + 100*time.Nanosecond: "PT1.0000001S",
		2*day + 3*time.Minute:             "P2DT3M",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
		if back, err := ParseDuration(FormatDuration(d)); err != nil || back != d.Truncate(100) {
			t.Errorf("ParseDuration(FormatDuration(%v)) = %v, %v", d, back, err)
		}
	}
}
