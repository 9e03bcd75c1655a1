import pytest

from parity.identity.generator import LabelledRecord, generate_records
from parity.identity.model import IdentityModel


@pytest.fixture(scope="session")
def model() -> IdentityModel:
    return IdentityModel.bundled_default()


@pytest.fixture(scope="session")
def labelled_register() -> list[LabelledRecord]:
    # A seed the bundled model was not trained on (it was trained on seed 1).
    return generate_records(2_000, seed=11)
