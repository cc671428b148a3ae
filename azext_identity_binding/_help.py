"""Help text and examples for `az aks identity-binding`."""

from knack.help_files import helps  # pylint: disable=unused-import

helps["aks identity-binding"] = """
type: group
short-summary: Let one user-assigned managed identity serve workloads on many AKS clusters.
long-summary: |
    An identity binding connects a user-assigned managed identity to a cluster through one
    federated identity credential, 'aks-identity-binding', shared by every binding of that
    identity. After creating a binding, grant service accounts in the cluster the right to
    use the identity ('generate-rbac'), and label and annotate the pods.
    Prerequisites: the preview feature Microsoft.ContainerService/IdentityBindingPreview
    registered in the subscription, and the cluster's OIDC issuer and workload identity enabled.
"""

helps["aks identity-binding create"] = """
type: command
short-summary: Bind a user-assigned managed identity to a cluster.
long-summary: |
    Before sending the request, checks that the preview feature is registered, that the
    cluster exists (and warns if its OIDC issuer or workload identity is off), and that the
    identity exists and has room for the 'aks-identity-binding' federated credential
    (at most 20 per identity). Skip these checks with --skip-preflight.
    Creating a binding usually takes about a minute; the command polls every few seconds
    and returns the binding as soon as it has succeeded. Running the same create again
    returns the existing binding. A binding's identity cannot be changed: delete the
    binding and create it again.
examples:
  - name: Create the binding from the AKS walkthrough.
    text: |
        az aks identity-binding create --resource-group myResourceGroup --cluster-name myCluster \\
            --name my-first-ib \\
            --managed-identity-resource-id /subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/myResourceGroup/providers/Microsoft.ManagedIdentity/userAssignedIdentities/myIdentity
  - name: Look up the identity's ID and create the binding without waiting for it.
    text: |
        MI_ID=$(az identity show -g myResourceGroup -n myIdentity --query id -o tsv)
        az aks identity-binding create -g myResourceGroup --cluster-name myCluster -n my-first-ib \\
            --managed-identity-resource-id "$MI_ID" --no-wait
        az aks identity-binding wait -g myResourceGroup --cluster-name myCluster -n my-first-ib --created
"""

helps["aks identity-binding show"] = """
type: command
short-summary: Show an identity binding, with the identity's client ID and the OIDC issuer URL.
examples:
  - name: Show a binding.
    text: az aks identity-binding show -g myResourceGroup --cluster-name myCluster -n my-first-ib
  - name: Print only the OIDC issuer URL.
    text: |
        az aks identity-binding show -g myResourceGroup --cluster-name myCluster -n my-first-ib \\
            --query properties.oidcIssuer.oidcIssuerUrl -o tsv
"""

helps["aks identity-binding list"] = """
type: command
short-summary: List the identity bindings of a cluster.
examples:
  - name: List the bindings as a table.
    text: az aks identity-binding list -g myResourceGroup --cluster-name myCluster -o table
"""

helps["aks identity-binding delete"] = """
type: command
short-summary: Delete an identity binding.
long-summary: |
    The federated identity credential 'aks-identity-binding' stays on the identity, because
    other bindings of the identity (on any cluster) may still use it. Remove it with
    'az identity federated-credential delete' once no binding uses the identity.
examples:
  - name: Delete a binding without being asked to confirm.
    text: az aks identity-binding delete -g myResourceGroup --cluster-name myCluster -n my-first-ib --yes
"""

helps["aks identity-binding wait"] = """
type: command
short-summary: Wait until an identity binding reaches a condition.
long-summary: Exits with a non-zero code if the binding fails or the timeout passes first.
examples:
  - name: Wait until a binding created with --no-wait has succeeded, checking every 5 seconds.
    text: az aks identity-binding wait -g myResourceGroup --cluster-name myCluster -n my-first-ib --created --interval 5
  - name: Wait until a binding is deleted.
    text: az aks identity-binding wait -g myResourceGroup --cluster-name myCluster -n my-first-ib --deleted
"""

helps["aks identity-binding generate-rbac"] = """
type: command
short-summary: Generate the Kubernetes ClusterRole and ClusterRoleBinding that let service accounts use the identity.
long-summary: |
    Prints a Kubernetes List with a ClusterRole (verb 'use-managed-identity' on the identity's
    client ID in API group 'cid.wi.aks.azure.com') and a ClusterRoleBinding for the service
    accounts given. Names are deterministic, so applying the output again changes nothing; the
    ClusterRoleBinding lists exactly the service accounts given, so pass all of them each time.
    Pods then need the label azure.workload.identity/use: "true" and the annotation
    azure.workload.identity/use-identity-binding: "true".
examples:
  - name: Let the default service account of the default namespace use the identity, as in the walkthrough.
    text: |
        az aks identity-binding generate-rbac -g myResourceGroup --cluster-name myCluster -n my-first-ib \\
            --name-prefix my-first-ib -o yaml | kubectl apply -f -
  - name: Grant two service accounts and also create them with the workload identity annotations.
    text: |
        az aks identity-binding generate-rbac -g myResourceGroup --cluster-name myCluster -n my-first-ib \\
            --service-account team-a/api --service-account team-b/worker --with-service-account -o yaml \\
            | kubectl apply -f -
  - name: Generate the objects offline from the identity's client ID.
    text: |
        az aks identity-binding generate-rbac --client-id 00000000-0000-0000-0000-000000000000 \\
            --service-account default/default -o json
"""
