using System.Globalization;
using System.Text;
using System.Text.Json;
using Doppel.Dtdl.Resolution;
using Microsoft.Data.Sqlite;

namespace Doppel.QueryBench;

/// <summary>
/// A RealEstateCore v3 building portfolio, the same on every run: 20 buildings of 10 levels, 25 rooms a level,
/// 3 pieces of equipment a room and about 5.3 sensors (capabilities) a piece of equipment — 100,000 twins — tied
/// by <c>hasPart</c>/<c>isPartOf</c>, <c>isLocationOf</c>/<c>locatedIn</c>, <c>hasCapability</c>/<c>isCapabilityOf</c>,
/// <c>feeds</c>/<c>isFedBy</c> and <c>serves</c>: 500,000 relationships. Rooms, equipment and sensors
/// take their models round-robin from the REC Interfaces that extend Room, Equipment and Sensor, so that
/// <c>IS_OF_MODEL</c> has a real closure to cover.
/// </summary>
internal static class BuildingGraph
{
    public const int Buildings = 20;
    public const int LevelsPerBuilding = 10;
    public const int RoomsPerLevel = 25;
    public const int EquipmentPerRoom = 3;
    public const int Twins = 100_000;
    public const int Relationships = 500_000;

    public const string Rec = "dtmi:digitaltwins:rec_3_3:";
    public const string Room = Rec + "core:Room;1";
    public const string Equipment = Rec + "asset:Equipment;1";
    public const string Sensor = Rec + "core:Sensor;1";
    public const string Capability = Rec + "core:Capability;1";

    public static int Levels => Buildings * LevelsPerBuilding;

    public static int Rooms => Levels * RoomsPerLevel;

    public static int EquipmentCount => Rooms * EquipmentPerRoom;

    public static int Sensors => Twins - Buildings - Levels - Rooms - EquipmentCount;

    public static string LevelId(int building, int level) => string.Create(CultureInfo.InvariantCulture, $"level-{building:00}-{level:00}");

    /// <summary>The models that are <paramref name="root"/> or extend it, in id order.</summary>
    public static List<string> Family(ModelSet models, string root) =>
        [.. models.Interfaces.Values.Where(i => i.IsOfModel(root)).Select(i => i.Id).Order(StringComparer.Ordinal)];

    /// <summary>Writes the twins and relationships straight into the SQLite tables, in one transaction.</summary>
    public static void Insert(string databasePath, string instanceId, ModelSet models)
    {
        var rooms = Family(models, Room).Take(12).ToList();
        var equipment = Family(models, Equipment).Take(12).ToList();
        var sensors = Family(models, Sensor).Take(24).ToList();
        var stamp = "2026-01-01T00:00:00.0000000Z";

        using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        connection.Open();
        using var transaction = connection.BeginTransaction();
        using var twin = connection.CreateCommand();
        twin.Transaction = transaction;
        twin.CommandText = "INSERT INTO twins (instance_id, id, model_id, etag, document) VALUES ($i, $id, $model, $etag, $doc);";
        var tId = twin.Parameters.Add("$id", SqliteType.Text);
        var tModel = twin.Parameters.Add("$model", SqliteType.Text);
        var tEtag = twin.Parameters.Add("$etag", SqliteType.Text);
        var tDoc = twin.Parameters.Add("$doc", SqliteType.Text);
        twin.Parameters.AddWithValue("$i", instanceId);
        twin.Prepare();

        using var relationship = connection.CreateCommand();
        relationship.Transaction = transaction;
        relationship.CommandText = "INSERT INTO relationships (instance_id, source_id, id, target_id, name, etag, document) VALUES ($i, $s, $id, $t, $n, $etag, $doc);";
        var rSource = relationship.Parameters.Add("$s", SqliteType.Text);
        var rId = relationship.Parameters.Add("$id", SqliteType.Text);
        var rTarget = relationship.Parameters.Add("$t", SqliteType.Text);
        var rName = relationship.Parameters.Add("$n", SqliteType.Text);
        var rEtag = relationship.Parameters.Add("$etag", SqliteType.Text);
        var rDoc = relationship.Parameters.Add("$doc", SqliteType.Text);
        relationship.Parameters.AddWithValue("$i", instanceId);
        relationship.Prepare();

        var twinCount = 0;
        var relationshipCount = 0;
        var serial = 0;

        void AddTwin(string id, string model, params (string Name, object Value)[] properties)
        {
            var etag = $"W/\"{Guid.NewGuid()}\"";
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("$dtId", id);
                writer.WriteString("$etag", etag);
                writer.WriteStartObject("$metadata");
                writer.WriteString("$model", model);
                writer.WriteString("$lastUpdateTime", stamp);
                foreach (var (name, _) in properties)
                {
                    writer.WriteStartObject(name);
                    writer.WriteString("lastUpdateTime", stamp);
                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
                foreach (var (name, value) in properties)
                {
                    writer.WritePropertyName(name);
                    JsonSerializer.Serialize(writer, value);
                }

                writer.WriteEndObject();
            }

            tId.Value = id;
            tModel.Value = model;
            tEtag.Value = etag;
            tDoc.Value = Encoding.UTF8.GetString(buffer.ToArray());
            twin.ExecuteNonQuery();
            twinCount++;
        }

        void Relate(string source, string name, string target)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{name}-{relationshipCount}");
            var etag = $"W/\"{Guid.NewGuid()}\"";
            rSource.Value = source;
            rId.Value = id;
            rTarget.Value = target;
            rName.Value = name;
            rEtag.Value = etag;
            rDoc.Value = $$"""{"$relationshipId":"{{id}}","$etag":{{JsonSerializer.Serialize(etag)}},"$sourceId":"{{source}}","$relationshipName":"{{name}}","$targetId":"{{target}}"}""";
            relationship.ExecuteNonQuery();
            relationshipCount++;
        }

        void Both(string a, string forward, string b, string backward)
        {
            Relate(a, forward, b);
            Relate(b, backward, a);
        }

        // Sensors are spread over the equipment so that the total is exactly Twins.
        var sensorsLeft = Sensors;
        var equipmentLeft = EquipmentCount;
        var servesLeft = Relationships - (2 * (Levels + Rooms + EquipmentCount + Sensors)) - (2 * Sensors) - (2 * 2 * EquipmentCount);
        var sensorNumber = 0;
        for (var b = 0; b < Buildings; b++)
        {
            var building = string.Create(CultureInfo.InvariantCulture, $"building-{b:00}");
            AddTwin(building, Rec + "core:Building;1", ("name", $"Building {b}"));
            var buildingEquipment = new List<string>();
            for (var l = 0; l < LevelsPerBuilding; l++)
            {
                var level = LevelId(b, l);
                AddTwin(level, Rec + "core:Level;1", ("name", $"Level {b}-{l}"), ("levelNumber", l));
                Both(building, "hasPart", level, "isPartOf");
                for (var r = 0; r < RoomsPerLevel; r++)
                {
                    var room = string.Create(CultureInfo.InvariantCulture, $"room-{b:00}-{l:00}-{r:00}");
                    var roomIndex = ((b * LevelsPerBuilding) + l) * RoomsPerLevel + r;
                    AddTwin(room, rooms[roomIndex % rooms.Count], ("name", $"Room {b}-{l}-{r}"), ("personCapacity", 1 + (roomIndex * 7 % 60)));
                    Both(level, "hasPart", room, "isPartOf");
                    for (var e = 0; e < EquipmentPerRoom; e++)
                    {
                        var piece = string.Create(CultureInfo.InvariantCulture, $"equipment-{b:00}-{l:00}-{r:00}-{e}");
                        AddTwin(piece, equipment[serial % equipment.Count], ("name", $"Equipment {serial}"), ("serialNumber", $"SN-{serial:000000}"));
                        serial++;
                        buildingEquipment.Add(piece);
                        Both(room, "isLocationOf", piece, "locatedIn");
                        if (servesLeft > 0)
                        {
                            Relate(piece, "serves", room);
                            servesLeft--;
                        }

                        var count = (int)Math.Round((double)sensorsLeft / equipmentLeft);
                        sensorsLeft -= count;
                        equipmentLeft--;
                        for (var s = 0; s < count; s++)
                        {
                            var sensor = string.Create(CultureInfo.InvariantCulture, $"sensor-{b:00}-{l:00}-{r:00}-{e}-{s}");
                            AddTwin(sensor, sensors[sensorNumber % sensors.Count], ("name", $"Sensor {sensorNumber}"));
                            sensorNumber++;
                            Both(piece, "hasCapability", sensor, "isCapabilityOf");
                            Both(room, "hasCapability", sensor, "isCapabilityOf");
                            if (servesLeft > 0)
                            {
                                Relate(sensor, "serves", room);
                                servesLeft--;
                            }
                        }
                    }
                }
            }

            // Each piece of equipment feeds the next two of its building.
            for (var i = 0; i < buildingEquipment.Count; i++)
            {
                Both(buildingEquipment[i], "feeds", buildingEquipment[(i + 1) % buildingEquipment.Count], "isFedBy");
                Both(buildingEquipment[i], "feeds", buildingEquipment[(i + 2) % buildingEquipment.Count], "isFedBy");
            }
        }

        using (var counts = connection.CreateCommand())
        {
            counts.Transaction = transaction;
            counts.CommandText = "INSERT OR REPLACE INTO twin_counts (instance_id, count) VALUES ($i, $n);";
            counts.Parameters.AddWithValue("$i", instanceId);
            counts.Parameters.AddWithValue("$n", twinCount);
            counts.ExecuteNonQuery();
        }

        transaction.Commit();
        if (twinCount != Twins || relationshipCount != Relationships)
        {
            throw new InvalidOperationException($"generated {twinCount} twins and {relationshipCount} relationships");
        }

        using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        analyze.ExecuteNonQuery();
    }
}
