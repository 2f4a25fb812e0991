"""Validates generated AWS API inputs against botocore's own service models.

Reads from stdin a JSON list of {"name", "service", "operation", "params"} and prints a JSON
object {name: [error, ...]} with an entry for every input that botocore's parameter validator
rejects (missing required members, unknown members, wrong types, values out of range).
"""
import json
import sys

import botocore.session
from botocore.validate import ParamValidator


def main():
    inputs = json.load(sys.stdin)
    session = botocore.session.get_session()
    validator = ParamValidator()
    models = {}
    problems = {}
    for item in inputs:
        service = item["service"]
        if service not in models:
            models[service] = session.get_service_model(service)
        shape = models[service].operation_model(item["operation"]).input_shape
        report = validator.validate(item["params"], shape)
        if report.has_errors():
            problems[item["name"]] = report.generate_report().splitlines()
    json.dump({"botocore": botocore.__version__, "problems": problems}, sys.stdout)


if __name__ == "__main__":
    main()
