package api

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Durations on the wire (a job's constraints.maxWallClockTime) come in two spellings: ISO 8601 ("P7D",
// "PT1H30M", what Microsoft's examples, Python clients and the real service's answers use) and .NET's
// TimeSpan form ("7.00:00:00", the spec's default). ParseDuration reads both, FormatDuration writes the
// service's ISO 8601 form; comparing two durations means comparing what ParseDuration returns.

var (
	isoDuration    = regexp.MustCompile(`^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:[.,](\d+))?S)?)?$`)
	dotnetDuration = regexp.MustCompile(`^(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?$`)
	dotnetDays     = regexp.MustCompile(`^\d+$`)
)

// ParseDuration reads an ISO 8601 duration of weeks, days, hours, minutes and seconds ("P150D",
// "PT0.5S"; years and months have no fixed length and are refused) or a .NET TimeSpan ("7.00:00:00",
// "01:30:00", "2" for two days). Negative durations are refused.
func ParseDuration(s string) (time.Duration, error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	if m := isoDuration.FindStringSubmatch(v); m != nil && v != "P" && !strings.HasSuffix(v, "T") {
		return sumDuration(s, []part{{m[1], 7 * 24 * time.Hour}, {m[2], 24 * time.Hour}, {m[3], time.Hour},
			{m[4], time.Minute}, {m[5], time.Second}}, m[6])
	}
	if dotnetDays.MatchString(v) {
		return sumDuration(s, []part{{v, 24 * time.Hour}}, "")
	}
	if m := dotnetDuration.FindStringSubmatch(v); m != nil {
		for i, limit := range []int{2: 23, 3: 59, 4: 59} {
			if n, _ := strconv.Atoi(m[i]); i >= 2 && m[i] != "" && n > limit {
				return 0, fmt.Errorf("%q is not a valid duration: %s is out of range", s, m[i])
			}
		}
		return sumDuration(s, []part{{m[1], 24 * time.Hour}, {m[2], time.Hour}, {m[3], time.Minute},
			{m[4], time.Second}}, m[5])
	}
	return 0, fmt.Errorf("%q is not a duration; use ISO 8601 such as \"P7D\" or \"PT1H30M\", or d.hh:mm:ss "+
		"such as \"7.00:00:00\"", s)
}

type part struct {
	digits string
	unit   time.Duration
}

func sumDuration(s string, parts []part, fraction string) (time.Duration, error) {
	var total time.Duration
	for _, p := range parts {
		if p.digits == "" {
			continue
		}
		n, err := strconv.ParseInt(p.digits, 10, 64)
		if err != nil || n > int64(math.MaxInt64/p.unit) || total > math.MaxInt64-time.Duration(n)*p.unit {
			return 0, fmt.Errorf("%q is not a valid duration: it is too long", s)
		}
		total += time.Duration(n) * p.unit
	}
	if fraction != "" {
		frac, _ := strconv.ParseFloat("0."+fraction, 64)
		total += time.Duration(math.Round(frac * float64(time.Second)))
	}
	return total, nil
}

// FormatDuration writes d in the ISO 8601 form the service answered with: days, hours, minutes and
// seconds, zero parts left out ("P150D", "PT1H", "P1DT2H3M4.5S"); zero is "PT0S". Sub-second parts keep
// .NET's precision of 100 ns.
func FormatDuration(d time.Duration) string {
	ns := int64(d)
	if ns < 0 {
		ns = -ns
	}
	days, ns := ns/int64(24*time.Hour), ns%int64(24*time.Hour)
	h, ns := ns/int64(time.Hour), ns%int64(time.Hour)
	m, ns := ns/int64(time.Minute), ns%int64(time.Minute)
	var b strings.Builder
	b.WriteString("P")
	if days > 0 {
		fmt.Fprintf(&b, "%dD", days)
	}
	if h == 0 && m == 0 && ns == 0 {
		if days == 0 {
			return "PT0S"
		}
		return b.String()
	}
	b.WriteString("T")
	if h > 0 {
		fmt.Fprintf(&b, "%dH", h)
	}
	if m > 0 {
		fmt.Fprintf(&b, "%dM", m)
	}
	if ns > 0 {
		secs, ticks := ns/int64(time.Second), ns%int64(time.Second)/100
		if ticks == 0 {
			fmt.Fprintf(&b, "%dS", secs)
		} else {
			fmt.Fprintf(&b, "%d.%sS", secs, strings.TrimRight(fmt.Sprintf("%07d", ticks), "0"))
		}
	}
	return b.String()
}
