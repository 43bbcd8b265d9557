package auth

import (
	"crypto/rand"
	"math/big"
	"strings"
)

// tempAlphabet has no vowels (so a temporary password spells no word or name) and none of the
// characters people confuse (0/o, 1/l/i).
const tempAlphabet = "bcdfghjkmnpqrstvwxz23456789"

// TemporaryPassword makes a password for an admin to pass on to someone: four groups of four,
// about 76 bits, which its owner must replace at their next sign-in. It satisfies CheckPassword
// for the given context (the person's email and name).
func TemporaryPassword(context ...string) (string, error) {
	for {
		var b strings.Builder
		for i := range 16 {
			if i > 0 && i%4 == 0 {
				b.WriteByte('-')
			}
			n, err := rand.Int(rand.Reader, big.NewInt(int64(len(tempAlphabet))))
			if err != nil {
				return "", err
			}
			b.WriteByte(tempAlphabet[n.Int64()])
		}
		if CheckPassword(b.String(), context...) == nil {
			return b.String(), nil
		}
	}
}
