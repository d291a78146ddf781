package taxid

import "time"

// Small helpers shared by the country rules. Every function here expects
// its input to have been checked with allDigits first where it reads digits.

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isUpperLetter(b byte) bool { return b >= 'A' && b <= 'Z' }

// dig returns the value of the digit at s[i].
func dig(s string, i int) int { return int(s[i] - '0') }

// num returns the value of a string of at most 18 digits.
func num(s string) int64 {
	var n int64
	for i := 0; i < len(s); i++ {
		n = n*10 + int64(s[i]-'0')
	}
	return n
}

// weighted returns sum(weights[i] * digit i) over the first len(weights)
// digits of s.
func weighted(s string, weights ...int) int {
	sum := 0
	for i, w := range weights {
		sum += w * dig(s, i)
	}
	return sum
}

// luhnSum is the Luhn sum of s, whose last digit is the check digit: every
// second digit from the right, starting with the one before it, is doubled.
func luhnSum(s string) int {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := dig(s, i)
		if (len(s)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum
}

func luhnValid(s string) bool { return luhnSum(s)%10 == 0 }

// luhnCheckDigit is the digit that, appended to s, makes it Luhn-valid.
func luhnCheckDigit(s string) int { return (10 - luhnSum(s+"0")%10) % 10 }

// mod11_10Valid checks a number whose last digit is an ISO 7064 MOD 11,10
// check digit (pure system, as used by the German USt-IdNr. and the
// Croatian OIB).
func mod11_10Valid(s string) bool {
	p := 10
	for i := 0; i < len(s); i++ {
		sum := (p + dig(s, i)) % 10
		if sum == 0 {
			sum = 10
		}
		if i == len(s)-1 {
			return sum == 1
		}
		p = sum * 2 % 11
	}
	return false
}

// mod97 is the remainder of s (digits and upper-case letters, letters
// counting as 10..35 as in IBANs and ISO 7064 MOD 97-10) divided by 97.
func mod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= '0' && c <= '9' {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A') + 10) % 97
		}
	}
	return r
}

// validDate reports whether year-month-day is a real calendar date.
func validDate(year, month, day int) bool {
	if month < 1 || month > 12 || day < 1 || day > 31 {
		return false
	}
	t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, time.UTC)
	return t.Year() == year && int(t.Month()) == month && t.Day() == day
}
