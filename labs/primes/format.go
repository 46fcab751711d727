package primes

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// lineWidth is numpy's default linewidth (75). As numpy does, a line holds
// at most lineWidth-1 characters before its closing "]", so that the "]"
// always fits.
const lineWidth = 75

// Format prints numbers as numpy's print(array) prints an integer array:
// "[", the elements right-aligned to the width of the widest one and
// separated by one space, wrapped before a line would exceed the line
// width, continuation lines indented by one space, then "]" and a newline.
// Every element is printed (numpy would summarise more than 1000 with
// "..."). An empty slice prints "[]".
func Format(w io.Writer, numbers []int) error {
	width := 0
	for _, n := range numbers {
		width = max(width, len(strconv.Itoa(n)))
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("[")
	lineLen := 1
	for i, n := range numbers {
		word := fmt.Sprintf("%*d", width, n)
		switch {
		case i == 0:
			// the first element follows "[" directly
		case lineLen+1+len(word) > lineWidth-1:
			bw.WriteString("\n ")
			lineLen = 1
		default:
			bw.WriteString(" ")
			lineLen++
		}
		bw.WriteString(word)
		lineLen += len(word)
	}
	bw.WriteString("]\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("print the primes: %w", err)
	}
	return nil
}

// Parse reads back what Format printed (for example a pod's log, without
// any other line) and returns the numbers. Input that Format would not
// have printed, byte for byte, is an error that says where it differs.
func Parse(r io.Reader) ([]int, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read the printed primes: %w", err)
	}
	text := string(data)
	body, ok := strings.CutPrefix(text, "[")
	if !ok {
		return nil, fmt.Errorf("printed primes must start with %q, got %q", "[", head(text))
	}
	body, ok = strings.CutSuffix(body, "]\n")
	if !ok {
		return nil, fmt.Errorf("printed primes must end with %q, got %q", "]\n", tail(text))
	}
	var numbers []int
	for _, field := range strings.Fields(body) {
		n, err := strconv.Atoi(field)
		if err != nil {
			return nil, fmt.Errorf("printed primes hold %q, which is not an integer", field)
		}
		numbers = append(numbers, n)
	}
	var again bytes.Buffer
	_ = Format(&again, numbers) // a bytes.Buffer does not fail
	if again.String() != text {
		return nil, fmt.Errorf("printed primes are not laid out as Format prints them: %s", firstDifference(text, again.String()))
	}
	return numbers, nil
}

// firstDifference describes the first line where got differs from want.
func firstDifference(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d is %q, expected %q", i+1, gl, wl)
		}
	}
	return "same lines" // not reached: the callers compare unequal strings
}

func head(s string) string { return s[:min(len(s), 20)] }
func tail(s string) string { return s[max(0, len(s)-20):] }
