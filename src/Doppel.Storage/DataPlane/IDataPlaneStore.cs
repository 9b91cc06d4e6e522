namespace Doppel.Storage.DataPlane;

/// <summary>
/// The data of the Digital Twins data plane: models, twins and relationships of every instance. Every method
/// takes the instance id first, every key starts with it, and every write is one transaction that checks its
/// own preconditions (existence, ETags, references), so two servers on one database cannot interleave a check
/// and a write.
/// </summary>
public interface IDataPlaneStore
{
    /// <summary>The DTDL models of each instance.</summary>
    IModelStore Models { get; }

    /// <summary>The digital twins of each instance.</summary>
    ITwinStore Twins { get; }

    /// <summary>The relationships between twins of each instance.</summary>
    IRelationshipStore Relationships { get; }

    /// <summary>The change events of each instance, written with the twin and relationship changes.</summary>
    IOutboxStore Outbox { get; }

    /// <summary>Compiled queries of the ADT query language over twins and relationships.</summary>
    IQueryStore Query { get; }
}

/// <summary>What a conditional write or delete did.</summary>
public enum StoreWriteOutcome
{
    /// <summary>The change was committed.</summary>
    Written,

    /// <summary>The entity to change does not exist (or, for a relationship, its source twin does not).</summary>
    NotFound,

    /// <summary>The ETag did not match, or the entity exists although only a create was asked for.</summary>
    PreconditionFailed,

    /// <summary>A relationship's target twin does not exist.</summary>
    TargetNotFound,

    /// <summary>The source twin already has as many relationships of this name as its model allows.</summary>
    MultiplicityExceeded,

    /// <summary>A per-twin or per-instance count limit was reached.</summary>
    LimitReached,

    /// <summary>A twin to delete still has incoming or outgoing relationships.</summary>
    HasRelationships,

    /// <summary>An entity with the same key already exists.</summary>
    AlreadyExists,
}

/// <summary>How a write treats an existing entity.</summary>
/// <remarks>
/// There is no create-or-replace mode: the change event of a write says whether it created or replaced, so the
/// writer decides that (from what it read) and the store holds it to it.
/// </remarks>
public enum StoreWriteMode
{
    /// <summary>Create only; an existing entity is <see cref="StoreWriteOutcome.PreconditionFailed"/>.</summary>
    CreateOnly,

    /// <summary>
    /// Replace only an existing entity whose ETag equals the expected one; a missing entity is
    /// <see cref="StoreWriteOutcome.NotFound"/>, another ETag <see cref="StoreWriteOutcome.PreconditionFailed"/>.
    /// </summary>
    ReplaceIfMatch,
}
