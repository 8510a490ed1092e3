"""How fast does the suite verify a Data Integrity proof? (`python benchmarks/verify_bench.py`)

Builds an Open Badges 3.0 AchievementCredential (contexts: VC 2.0 + OB 3.0.3), signs it with
each cryptosuite and prints the median verify time and verifies/second on one core.
Target: a full eddsa-rdfc-2022 verify under 8 ms median; aspiration about 2 ms.
The "fresh" column verifies with a new loader each time, so every context is processed
again: the difference is what caching processed contexts buys.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

from ler_interop.credentials import dataintegrity
from ler_interop.credentials.jsonld import OfflineLoader
from ler_interop.credentials.keys import Key

TARGET_MS = 8.0
ASPIRATION_MS = 2.0


def ob3_credential() -> dict[str, Any]:
    """A typical OB 3.0 AchievementCredential: issuer profile, achievement with criteria,
    image and an alignment, a result and evidence."""
    return {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": "urn:uuid:91537dba-56cb-11ec-bf63-0242ac130002",
        "type": ["VerifiableCredential", "AchievementCredential"],
        "name": "Teamwork Badge",
        "issuer": {
            "id": "https://example.edu/issuers/565049",
            "type": ["Profile"],
            "name": "Example University",
            "url": "https://example.edu",
        },
        "validFrom": "2024-01-01T00:00:00Z",
        "validUntil": "2034-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://example.edu/achievements/teamwork",
                "type": ["Achievement"],
                "achievementType": "Badge",
                "name": "Teamwork",
                "description": "Recognizes the capacity to collaborate within a group environment.",
                "criteria": {"narrative": "Nominated by peers and confirmed by a review panel."},
                "image": {"id": "https://example.edu/achievements/teamwork.png", "type": "Image"},
                "alignment": [{
                    "type": ["Alignment"],
                    "targetName": "Work in teams",
                    "targetUrl": "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d",
                    "targetFramework": "ESCO",
                    "targetType": "ceasn:Competency",
                }],
            },
            "result": [{"type": ["Result"], "value": "A"}],
        },
        "evidence": [{
            "id": "https://example.edu/evidence/42",
            "type": ["Evidence"],
            "name": "Project report",
            "narrative": "Led a team of five through a semester project.",
        }],
    }


def did_key_resolver(vm: str, purpose: str) -> tuple[Key, str]:
    did, _, fragment = vm.partition("#")
    return Key.from_multikey(fragment), did


def median_verify_ms(signed: dict[str, Any], rounds: int, fresh_loader: bool) -> float:
    samples = []
    for _ in range(rounds):
        loader = OfflineLoader() if fresh_loader else None
        start = time.perf_counter()
        result = dataintegrity.verify(signed, did_key_resolver, loader=loader)
        samples.append(time.perf_counter() - start)
        assert result.ok, result
    return statistics.median(samples) * 1000


def measure(cryptosuite: str, key: Key, rounds: int) -> tuple[float, float]:
    """(median ms with a fresh loader per verify, median ms with the shared cached loader)."""
    multikey = key.public_multikey()
    signed = dataintegrity.sign(ob3_credential(), key, cryptosuite=cryptosuite,
                                verification_method=f"did:key:{multikey}#{multikey}")
    fresh = median_verify_ms(signed, max(rounds // 10, 10), fresh_loader=True)
    return fresh, median_verify_ms(signed, rounds, fresh_loader=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=300)
    args = parser.parse_args()
    keys = {"Ed25519": Key.generate("Ed25519"), "P-256": Key.generate("P-256")}
    print(f"OB 3.0 AchievementCredential, {args.rounds} verifies per cryptosuite, one core")
    print(f"target: eddsa-rdfc-2022 median < {TARGET_MS:g} ms (aspiration ~{ASPIRATION_MS:g} ms)\n")
    print(f"{'cryptosuite':<18}{'fresh ms':>10}{'median ms':>12}{'verifies/s':>12}")
    medians = {}
    for suite, key_type in (("eddsa-rdfc-2022", "Ed25519"), ("ecdsa-rdfc-2019", "P-256"),
                            ("eddsa-jcs-2022", "Ed25519")):
        fresh, median = measure(suite, keys[key_type], args.rounds)
        medians[suite] = median
        print(f"{suite:<18}{fresh:>10.2f}{median:>12.3f}{1000 / median:>12.0f}")
    verdict = "meets" if medians["eddsa-rdfc-2022"] < TARGET_MS else "MISSES"
    print(f"\neddsa-rdfc-2022 {verdict} the {TARGET_MS:g} ms target")


if __name__ == "__main__":
    main()
