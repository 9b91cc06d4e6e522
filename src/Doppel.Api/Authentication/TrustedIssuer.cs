namespace Doppel.Api.Authentication;

/// <summary>
/// An issuer whose tokens the data plane accepts, with the keys it signs with: PEM files (public keys or
/// certificates) and/or JWKS URLs. A key is trusted for its own issuer only.
/// </summary>
/// <param name="Issuer">The exact <c>iss</c> value of its tokens.</param>
/// <param name="KeyFiles">PEM files with a public key (<c>PUBLIC KEY</c>, <c>RSA PUBLIC KEY</c>) or certificates.</param>
/// <param name="JwksUrls">JSON Web Key Set documents, fetched when needed and refreshed hourly or on an unknown key.</param>
public sealed record TrustedIssuer(string Issuer, IReadOnlyList<string> KeyFiles, IReadOnlyList<Uri> JwksUrls);
