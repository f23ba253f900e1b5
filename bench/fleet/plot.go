package main

import (
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"strings"
)

// The plot of plan time against N, drawn with the standard library (image/png): the median wall time of the
// no-op plan (solid) and of plan -refresh=false (dashed) for batchai and terraform_data, with each median's
// min-max range as a whisker, and optionally an earlier run's batchai no-op plan (-before) for comparison.

// series is one line of the plot.
type series struct {
	label  string
	color  color.RGBA
	dashed bool
	points []point
}

type point struct {
	n        int
	s        summary
	hasRange bool
}

var (
	colorBatchAI = color.RGBA{R: 0x1f, G: 0x5f, B: 0xbf, A: 0xff}
	colorFloor   = color.RGBA{R: 0xd0, G: 0x60, B: 0x10, A: 0xff}
	colorBefore  = color.RGBA{R: 0x90, G: 0x90, B: 0x90, A: 0xff}
	colorAxis    = color.RGBA{R: 0x20, G: 0x20, B: 0x20, A: 0xff}
	colorGrid    = color.RGBA{R: 0xe4, G: 0xe4, B: 0xe4, A: 0xff}
)

func planSeries(res *results, phase, kind, label string, c color.RGBA, dashed bool) series {
	s := series{label: label, color: c, dashed: dashed}
	for _, n := range res.sizesOf(phase) {
		ms := res.of(phase, kind, n)
		if len(ms) > 0 {
			s.points = append(s.points, point{n: n, s: stat(ms, wall), hasRange: true})
		}
	}
	return s
}

// drawPlot writes the plot to path. beforeFile, when set, is the results.json of an earlier run whose batchai
// no-op plan is drawn in gray.
func drawPlot(res *results, path, beforeFile, header string) error {
	lines := []series{
		planSeries(res, phasePlan, kindBatchAI, "batchai no-op plan", colorBatchAI, false),
		planSeries(res, phasePlanLocal, kindBatchAI, "batchai plan -refresh=false", colorBatchAI, true),
		planSeries(res, phasePlan, kindFloor, "terraform_data no-op plan (floor)", colorFloor, false),
		planSeries(res, phasePlanLocal, kindFloor, "terraform_data plan -refresh=false", colorFloor, true),
	}
	if beforeFile != "" {
		raw, err := os.ReadFile(beforeFile)
		if err != nil {
			return err
		}
		var before results
		if err := json.Unmarshal(raw, &before); err != nil {
			return fmt.Errorf("%s: %w", beforeFile, err)
		}
		lines = append(lines, planSeries(&before, phasePlan, kindBatchAI, "batchai no-op plan, before", colorBefore, false))
	}
	const width, height = 960, 600
	const left, right, top, bottom = 90, 30, 80, 70
	img := image.NewRGBA(image.Rect(0, 0, width, height))
	fillRect(img, 0, 0, width, height, color.White)

	maxN, maxS := 0, 0.0
	for _, l := range lines {
		for _, p := range l.points {
			maxN = max(maxN, p.n)
			maxS = math.Max(maxS, p.s.Max)
		}
	}
	if maxN == 0 {
		return fmt.Errorf("nothing to plot")
	}
	xStep, yStep := niceStep(float64(maxN), 5), niceStep(maxS, 6)
	xMax, yMax := math.Ceil(float64(maxN)/xStep)*xStep, math.Ceil(maxS/yStep)*yStep
	px := func(n float64) int { return left + int(n/xMax*float64(width-left-right)) }
	py := func(s float64) int { return height - bottom - int(s/yMax*float64(height-top-bottom)) }

	// Grid, ticks and their labels.
	for y := 0.0; y <= yMax+yStep/2; y += yStep {
		hline(img, left, width-right, py(y), colorGrid)
		label := trimFloat(y)
		drawText(img, left-10-textWidth(label, 2), py(y)-7, label, 2, colorAxis)
	}
	for x := 0.0; x <= xMax+xStep/2; x += xStep {
		vline(img, px(x), top, height-bottom, colorGrid)
		label := trimFloat(x)
		drawText(img, px(x)-textWidth(label, 2)/2, height-bottom+10, label, 2, colorAxis)
	}
	hline(img, left, width-right, height-bottom, colorAxis)
	vline(img, left, top, height-bottom, colorAxis)
	drawText(img, left, 14, "plan time against N (median wall s, whiskers: min-max)", 2, colorAxis)
	if f := strings.Fields(strings.SplitN(header, "\n", 2)[0]); len(f) > 0 {
		drawText(img, left, 40, strings.Join(f[1:], " "), 1, colorAxis)
	}
	xLabel := "N resources"
	drawText(img, (left+width-right)/2-textWidth(xLabel, 2)/2, height-28, xLabel, 2, colorAxis)
	drawText(img, 8, top-24, "seconds", 2, colorAxis)

	for _, l := range lines {
		for i, p := range l.points {
			x, y := px(float64(p.n)), py(p.s.Median)
			if p.hasRange {
				vline(img, x, py(p.s.Max), py(p.s.Min), l.color)
				hline(img, x-4, x+4, py(p.s.Max), l.color)
				hline(img, x-4, x+4, py(p.s.Min), l.color)
			}
			fillRect(img, x-3, y-3, 7, 7, l.color)
			if i > 0 {
				q := l.points[i-1]
				line(img, px(float64(q.n)), py(q.s.Median), x, y, l.color, l.dashed)
			}
		}
	}
	// Legend, top left inside the axes.
	for i, l := range lines {
		y := top + 10 + i*22
		line(img, left+16, y+7, left+56, y+7, l.color, l.dashed)
		fillRect(img, left+33, y+4, 7, 7, l.color)
		drawText(img, left+66, y, l.label, 2, colorAxis)
	}

	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := png.Encode(f, img); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// niceStep is a step of 1, 2 or 5 times a power of ten that cuts 0..maxV into about n parts.
func niceStep(maxV float64, n int) float64 {
	if maxV <= 0 {
		return 1
	}
	raw := maxV / float64(n)
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			return m * p
		}
	}
	return 10 * p
}

func trimFloat(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}

func hline(img *image.RGBA, x0, x1, y int, c color.Color) {
	for x := x0; x <= x1; x++ {
		img.Set(x, y, c)
	}
}

func vline(img *image.RGBA, x, y0, y1 int, c color.Color) {
	if y0 > y1 {
		y0, y1 = y1, y0
	}
	for y := y0; y <= y1; y++ {
		img.Set(x, y, c)
	}
}

// line draws a two-pixel-thick line (Bresenham), dashed every 8 pixels when asked.
func line(img *image.RGBA, x0, y0, x1, y1 int, c color.Color, dashed bool) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	e := dx + dy
	for step := 0; ; step++ {
		if !dashed || (step/8)%2 == 0 {
			fillRect(img, x0, y0, 2, 2, c)
		}
		if x0 == x1 && y0 == y1 {
			return
		}
		e2 := 2 * e
		if e2 >= dy {
			e += dy
			x0 += sx
		}
		if e2 <= dx {
			e += dx
			y0 += sy
		}
	}
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}
