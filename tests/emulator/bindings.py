"""Identity bindings and their long-running operations, as the real service behaved.

A create returns 201 in `Creating` with only an `Azure-AsyncOperation` header. A delete returns
202 in `Deleting` with only a `Location` header. An operation finishes lazily: the first request
after its duration has passed settles it, and the binding changes state in the same step, so
the operation and the resource never disagree.
"""

import time
import uuid

from . import faults
from .responses import ArmError, Response, format_time, paged_response
from .state import BINDING_TYPE, MAX_CREDENTIALS, new_etag

# The operation URLs of the recorded exchange carried this api-version, whatever the request had.
OPERATION_API_VERSION = "2016-03-30"

# Properties the service computes. A PUT that sends them has them ignored.
READ_ONLY_PROPERTIES = {"managedIdentity", "oidcIssuer", "provisioningState"}


def binding_body(store, binding):
    """Return the binding as the service shows it in its current state."""
    identity = {"resourceId": binding["identityId"]}
    properties = {"managedIdentity": identity}
    # The service adds the identity's IDs and the issuer only once a create has succeeded.
    if binding["resolved"]:
        identity.update(binding["resolved"])
        properties["oidcIssuer"] = {"oidcIssuerUrl": binding["issuerUrl"]}
    properties["provisioningState"] = binding["state"]
    properties.update(binding["extraProperties"])

    cluster_id = store.cluster_id({"resourceGroup": binding["resourceGroup"],
                                   "name": binding["clusterName"]})
    body = {
        "id": f"{cluster_id}/identityBindings/{binding['name']}",
        "name": binding["name"],
        "type": BINDING_TYPE,
        "eTag": binding["eTag"],
    }
    if binding["managedBy"]:
        body["managedBy"] = binding["managedBy"]
    body["properties"] = properties
    return body


def list_bindings(store, request, sub, rg, cluster):
    check_feature_gate(store, request)
    store.get_cluster(sub, rg, cluster)
    prefix = (rg.lower(), cluster.lower())
    items = [binding_body(store, binding) for key, binding in store.bindings.items()
             if key[:2] == prefix]
    return paged_response(items, request, store.settings["pageSize"])


def get_binding(store, request, sub, rg, cluster, name):
    check_feature_gate(store, request)
    store.get_cluster(sub, rg, cluster)
    binding = store.bindings.get((rg.lower(), cluster.lower(), name.lower()))
    if binding is None:
        raise binding_not_found(name, cluster, rg)
    return Response(200, binding_body(store, binding))


def put_binding(store, request, sub, rg, cluster, name):
    check_feature_gate(store, request)
    cluster_record = store.get_cluster(sub, rg, cluster)
    identity_id, properties = read_binding_request(request)

    key = (rg.lower(), cluster.lower(), name.lower())
    existing = store.bindings.get(key)
    check_preconditions(request, existing, name)
    if existing is not None:
        check_no_operation_running(store, existing)
        if existing["identityId"].lower() != identity_id.lower():
            raise ArmError(
                400, "PropertyChangeNotAllowed",
                f"The managed identity of identity binding '{name}' cannot be changed from "
                f"'{existing['identityId']}' to '{identity_id}'. Delete the binding and create it "
                "again with the new identity.",
            )

    if store.find_identity_by_id(identity_id) is None:
        # NOTE: the real service's code for a missing identity was not observed.
        raise ArmError(
            400, "ManagedIdentityNotFound",
            f"The user-assigned managed identity '{identity_id}' was not found. Check the "
            "resource ID, or create the identity with 'az identity create'.",
        )

    extra = {key_: value for key_, value in properties.items() if key_ not in READ_ONLY_PROPERTIES}
    if existing is None:
        binding = {
            "resourceGroup": cluster_record["resourceGroup"],
            "clusterName": cluster_record["name"],
            "name": name,
            "identityId": identity_id,
            "managedBy": request.json().get("managedBy"),
            "extraProperties": extra,
            "state": "Creating",
            "resolved": None,
            "issuerUrl": None,
            "operationId": None,
        }
        store.bindings[key] = binding
        status = 201
    else:
        binding = existing
        binding["extraProperties"] = extra
        binding["state"] = "Updating"
        status = 200

    binding["eTag"] = new_etag()
    operation = start_operation(store, request, "put", key, cluster_record["location"])
    binding["operationId"] = operation["id"]

    headers = {"Azure-AsyncOperation": operation_url(store, request, operation, "operations")}
    headers.update(retry_after_header(store))
    return Response(status, binding_body(store, binding), headers)


def delete_binding(store, request, sub, rg, cluster, name):
    check_feature_gate(store, request)
    cluster_record = store.get_cluster(sub, rg, cluster)
    key = (rg.lower(), cluster.lower(), name.lower())
    binding = store.bindings.get(key)
    check_preconditions(request, binding, name)
    if binding is None:
        return Response(204)

    running = store.operations.get(binding["operationId"] or "")
    if running is not None and running["kind"] == "delete":
        # A repeated delete joins the one already running.
        return delete_accepted(store, request, binding, running)
    check_no_operation_running(store, binding)

    binding["state"] = "Deleting"
    binding["eTag"] = new_etag()
    operation = start_operation(store, request, "delete", key, cluster_record["location"])
    binding["operationId"] = operation["id"]
    return delete_accepted(store, request, binding, operation)


def delete_accepted(store, request, binding, operation):
    headers = {"Location": operation_url(store, request, operation, "operationresults")}
    headers.update(retry_after_header(store))
    return Response(202, binding_body(store, binding), headers)


def get_operation_status(store, request, sub, location, operation_id):
    operation = find_operation(store, sub, operation_id)
    body = {
        "name": operation["id"],
        "status": operation["status"],
        "startTime": format_time(operation["start"]),
    }
    if operation["status"] != "InProgress":
        body["endTime"] = format_time(operation["end"])
    if operation["error"]:
        body["error"] = dict(operation["error"])
    headers = retry_after_header(store) if operation["status"] == "InProgress" else {}
    return Response(200, body, headers)


def get_operation_result(store, request, sub, location, operation_id):
    operation = find_operation(store, sub, operation_id)
    if operation["status"] == "InProgress":
        headers = {"Location": operation_url(store, request, operation, "operationresults")}
        headers.update(retry_after_header(store))
        return Response(202, None, headers)

    if operation["status"] != "Succeeded":
        error = operation["error"] or {"code": operation["status"],
                                       "message": f"The operation ended {operation['status']}."}
        return Response(operation["failStatus"], {"error": dict(error)})

    binding = store.bindings.get(operation["bindingKey"])
    if operation["kind"] == "delete" or binding is None:
        return Response(204)
    return Response(200, binding_body(store, binding))


def settle_operations(store, now):
    """Finish every operation whose duration has passed, oldest first."""
    due = [operation for operation in store.operations.values()
           if operation["status"] == "InProgress" and now >= operation["end"]]
    for operation in sorted(due, key=lambda item: item["start"]):
        finish_operation(store, operation)


def finish_operation(store, operation):
    binding = store.bindings.get(operation["bindingKey"])
    if binding is None or binding["operationId"] != operation["id"]:
        operation["status"] = "Succeeded"
        return
    binding["operationId"] = None
    binding["eTag"] = new_etag()

    if operation["outcome"] is not None:
        fail_operation(operation, binding, operation["outcome"], operation["error"])
        return

    if operation["kind"] == "delete":
        del store.bindings[operation["bindingKey"]]
        operation["status"] = "Succeeded"
        return

    identity = store.find_identity_by_id(binding["identityId"])
    if identity is None:
        fail_operation(operation, binding, "Failed", {
            "code": "ManagedIdentityNotFound",
            "message": f"The user-assigned managed identity '{binding['identityId']}' was not found.",
        })
        return
    if not store.ensure_binding_credential(identity):
        # NOTE: the real service's code and message for a full identity were not observed.
        fail_operation(operation, binding, "Failed", {
            "code": "TooManyFederatedIdentityCredentials",
            "message": (
                f"The managed identity '{binding['identityId']}' already has {MAX_CREDENTIALS} "
                "federated identity credentials, the maximum, and none is named "
                "'aks-identity-binding'. Delete an unused credential with 'az identity "
                "federated-credential delete' and create the binding again."
            ),
        })
        return

    binding["resolved"] = store.identity_profile(identity)
    binding["issuerUrl"] = store.identity_issuer_url(identity)
    binding["state"] = "Succeeded"
    operation["status"] = "Succeeded"


def fail_operation(operation, binding, status, error):
    operation["status"] = status
    operation["error"] = error
    binding["state"] = status


def start_operation(store, request, kind, binding_key, location):
    now = time.time()
    operation = {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "bindingKey": binding_key,
        "location": location,
        "start": now,
        "end": now + store.settings["operationDurationSeconds"],
        "status": "InProgress",
        "outcome": None,
        "error": None,
        "failStatus": 400,
    }

    fault = request.fault
    if fault is not None and fault.action in faults.OPERATION_ACTIONS:
        operation["outcome"] = "Failed" if fault.action == faults.FAIL_OPERATION else "Canceled"
        operation["error"] = dict(fault.error)
        operation["failStatus"] = fault.status
        request.fault_used = True

    store.operations[operation["id"]] = operation
    return operation


def find_operation(store, sub, operation_id):
    store.check_subscription(sub)
    operation = store.operations.get(operation_id.lower())
    if operation is None:
        raise ArmError(404, "NotFound", f"The operation '{operation_id}' was not found.")
    return operation


def operation_url(store, request, operation, kind):
    return (f"{request.base_url}/subscriptions/{store.subscription_id}/providers/"
            f"Microsoft.ContainerService/locations/{operation['location']}/{kind}/"
            f"{operation['id']}?api-version={OPERATION_API_VERSION}")


def retry_after_header(store):
    # The real service sent no Retry-After, but a scenario may add one so clients poll sooner.
    seconds = store.settings["retryAfterSeconds"]
    if seconds is None:
        return {}
    return {"Retry-After": str(int(seconds) if float(seconds).is_integer() else seconds)}


def read_binding_request(request):
    """Return the identity resource ID and the properties of a PUT body, or raise 400."""
    body = request.json()
    properties = body.get("properties") if isinstance(body, dict) else None
    identity = properties.get("managedIdentity") if isinstance(properties, dict) else None
    resource_id = identity.get("resourceId") if isinstance(identity, dict) else None
    if not isinstance(resource_id, str) or not resource_id:
        raise ArmError(
            400, "InvalidParameter",
            "The request body needs 'properties.managedIdentity.resourceId', the resource ID of a "
            "user-assigned managed identity.",
        )
    return resource_id, properties


def check_preconditions(request, binding, name):
    """Apply If-Match and If-None-Match to a write of `binding` (None when it does not exist)."""
    if_match = request.headers.get("If-Match")
    if if_match is not None:
        if binding is None:
            raise precondition_failed(f"Identity binding '{name}' does not exist, so If-Match "
                                      f"'{if_match}' cannot match.")
        if if_match.strip() != "*" and binding["eTag"].lower() not in parse_etags(if_match):
            raise precondition_failed(f"If-Match '{if_match}' does not match the current eTag of "
                                      f"identity binding '{name}'.")

    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None and request.method == "PUT" and binding is not None:
        if if_none_match.strip() == "*" or binding["eTag"].lower() in parse_etags(if_none_match):
            raise precondition_failed(f"Identity binding '{name}' already exists and If-None-Match "
                                      f"is '{if_none_match}'.")


def parse_etags(header):
    """Return the lower-case entity tags of a header, without quotes or weak markers."""
    tags = set()
    for tag in header.split(","):
        tag = tag.strip()
        if tag.startswith("W/"):
            tag = tag[2:]
        tags.add(tag.strip('"').lower())
    return tags


def precondition_failed(message):
    return ArmError(412, "PreconditionFailed", message)


def check_no_operation_running(store, binding):
    operation = store.operations.get(binding["operationId"] or "")
    if operation is None or operation["status"] != "InProgress":
        return
    # NOTE: AKS documents 409 OperationNotAllowed for writes to a busy cluster. That it returns
    # the same for a binding with a running operation is an assumption.
    raise ArmError(
        409, "OperationNotAllowed",
        f"Identity binding '{binding['name']}' has a {operation['kind']} operation in progress. "
        "Wait for it to finish and retry.",
    )


def check_feature_gate(store, request):
    if store.identity_binding_enabled():
        return
    api_version = request.query.get("api-version", "")
    raise ArmError(
        404, "InvalidResourceType",
        "The resource type 'managedClusters/identityBindings' could not be found in the namespace "
        f"'Microsoft.ContainerService' for api version '{api_version}'.",
    )


def binding_not_found(name, cluster, group):
    return ArmError(
        404, "NotFound",
        f"Identity binding '{name}' was not found in managed cluster '{cluster}' of resource "
        f"group '{group}'.",
    )
