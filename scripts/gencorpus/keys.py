"""Deterministic DKIM signing keys: RSA from a seeded prime search, Ed25519 from seeded seeds.

Keys are a pure function of (corpus seed, key name, algorithm, size), so a cached key and a freshly
generated one are the same bytes; the cache under DIR/keys/ only saves the prime search.
"""

import base64
import hashlib
import os
import random

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

try:
    # GMP's powmod is ~10x faster than int.__pow__ for 2048-bit moduli; both give the same value,
    # so the keys do not depend on whether python3-gmpy2 is installed.
    from gmpy2 import powmod as _powmod, mpz as _mpz
except ImportError:
    _powmod, _mpz = pow, int

_SMALL_PRIMES = []


def _small_primes(limit=20000):
    if not _SMALL_PRIMES:
        sieve = bytearray([1]) * limit
        sieve[0:2] = b"\x00\x00"
        for i in range(2, int(limit**0.5) + 1):
            if sieve[i]:
                sieve[i * i :: i] = bytearray(len(sieve[i * i :: i]))
        _SMALL_PRIMES.extend(i for i in range(3, limit) if sieve[i])
    return _SMALL_PRIMES


def _probably_prime(n, rng, rounds=12):
    n = _mpz(n)
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for _ in range(rounds):
        a = rng.randrange(2, int(n) - 2)
        x = _powmod(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = x * x % n
            if x == n - 1:
                break
        else:
            return False
    return True


def _random_prime(bits, rng, e):
    primes = _small_primes()
    while True:
        # Top two bits set so that p*q has exactly 2*bits bits.
        base = rng.getrandbits(bits) | (3 << (bits - 2)) | 1
        # Sieve an interval of odd candidates by the small primes, then test the survivors.
        span = 8 * bits
        alive = bytearray([1]) * span  # alive[i] <=> base + 2*i survived
        for p in primes:
            r = base % p
            # first i with base + 2i == 0 (mod p): i = (-r) * inv(2) mod p
            i = (-r * ((p + 1) // 2)) % p
            alive[i::p] = bytearray(len(alive[i::p]))
        for i in range(span):
            if alive[i]:
                cand = base + 2 * i
                if cand.bit_length() != bits or (cand - 1) % e == 0:
                    continue
                if _probably_prime(cand, rng):
                    return cand


def rsa_key(seed_text, bits):
    """Returns a cryptography RSAPrivateKey that depends only on seed_text and bits."""
    rng = random.Random(seed_text)
    e = 65537
    while True:
        p = _random_prime(bits // 2, rng, e)
        q = _random_prime(bits - bits // 2, rng, e)
        if p == q:
            continue
        if p < q:
            p, q = q, p
        n = p * q
        if n.bit_length() != bits:
            continue
        phi = (p - 1) * (q - 1)
        d = pow(e, -1, phi)
        numbers = rsa.RSAPrivateNumbers(
            p=p,
            q=q,
            d=d,
            dmp1=d % (p - 1),
            dmq1=d % (q - 1),
            iqmp=pow(q, -1, p),
            public_numbers=rsa.RSAPublicNumbers(e, n),
        )
        return numbers.private_key()


class SigningKey:
    """One selector's key: what dkimpy signs with and what DNS publishes."""

    def __init__(self, algo, bits, private_bytes, public_b64):
        self.algo = algo  # "rsa" or "ed25519"
        self.bits = bits  # RSA modulus size; 256 for Ed25519
        self.private = private_bytes  # PKCS#1 PEM (rsa) or base64 seed (ed25519), as dkimpy wants
        self.public_b64 = public_b64  # the p= value

    def dns_txt(self):
        return "v=DKIM1; k=%s; p=%s" % (self.algo, self.public_b64)


def _rsa_from_pem(pem):
    key = serialization.load_pem_private_key(pem, password=None)
    spki = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return SigningKey("rsa", key.key_size, pem, base64.b64encode(spki).decode())


def _ed25519_from_seed(seed32):
    import nacl.signing

    verify = nacl.signing.SigningKey(seed32).verify_key.encode()
    return SigningKey(
        "ed25519", 256, base64.b64encode(seed32), base64.b64encode(verify).decode()
    )


def key_seed_text(corpus_seed, name, algo, bits):
    return "mailverify-corpus/%s/key/%s/%s/%d" % (corpus_seed, name, algo, bits)


def make_key(corpus_seed, name, algo, bits, cache_dir):
    """Returns the SigningKey for (seed, name, algo, bits), from cache_dir when already made."""
    seed_text = key_seed_text(corpus_seed, name, algo, bits)
    if algo == "ed25519":
        return _ed25519_from_seed(hashlib.sha256(seed_text.encode()).digest())
    tag = hashlib.sha256(seed_text.encode()).hexdigest()[:16]
    path = os.path.join(cache_dir, "%s-rsa%d-%s.pem" % (name, bits, tag)) if cache_dir else None
    if path and os.path.exists(path):
        with open(path, "rb") as f:
            return _rsa_from_pem(f.read())
    key = rsa_key(seed_text, bits)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    if path:
        os.makedirs(cache_dir, exist_ok=True)
        tmp = path + ".tmp%d" % os.getpid()
        with open(tmp, "wb") as f:
            f.write(pem)
        os.replace(tmp, path)
    return _rsa_from_pem(pem)
