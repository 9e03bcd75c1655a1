"""Nationality codes: ISO 3166-1 alpha-3 plus the ICAO 9303 codes used on travel documents for stateless people."""

from __future__ import annotations

_ISO_ALPHA3 = """
ABW AFG AGO AIA ALA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BES BFA BGD BGR BHR BHS BIH BLM BLR
BLZ BMU BOL BRA BRB BRN BTN BVT BWA CAF CAN CCK CHE CHL CHN CIV CMR COD COG COK COL COM CPV CRI CUB CUW CXR CYM CYP
CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO FSM GAB GBR GEO GGY GHA GIB GIN GLP GMB
GNB GNQ GRC GRD GRL GTM GUF GUM GUY HKG HMD HND HRV HTI HUN IDN IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN
KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD
MLI MLT MMR MNE MNG MNP MOZ MRT MSR MTQ MUS MWI MYS MYT NAM NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN
PCN PER PHL PLW PNG POL PRI PRK PRT PRY PSE PYF QAT REU ROU RUS RWA SAU SDN SEN SGP SGS SHN SJM SLB SLE SLV SMR SOM
SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR TUV TWN TZA UGA UKR
UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
"""

# ICAO 9303: XXA stateless person, XXB refugee (1951 Convention), XXC refugee (other), RKS Kosovo as used by several
# issuing states. XXX ("unspecified") is deliberately absent: it says nothing, so it is treated as unknown.
_TRAVEL_DOCUMENT_CODES = "XXA XXB XXC RKS"

KNOWN_NATIONALITY_CODES: frozenset[str] = frozenset((_ISO_ALPHA3 + _TRAVEL_DOCUMENT_CODES).split())


def normalise_nationality(raw: str | None) -> str | None:
    """The upper-case code when it is a known one, otherwise ``None`` (scored as missing, never guessed)."""
    if raw is None:
        return None
    code = raw.strip().upper()
    return code if code in KNOWN_NATIONALITY_CODES else None
