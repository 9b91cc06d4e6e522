using Doppel.Dtdl;

namespace Doppel.Cli.Dtdl;

/// <summary>The files of one upload, read from the paths given on the command line, or why they could not be.</summary>
/// <param name="Documents">Every file, named as the user would write its path.</param>
/// <param name="Problems">Usage errors: paths that do not exist, folders without models, files that cannot be read.</param>
internal sealed record UploadFiles(IReadOnlyList<DtdlDocument> Documents, IReadOnlyList<string> Problems)
{
    /// <summary>
    /// Expands files and folders (every <c>*.json</c> below a folder, in ordinal order) into one upload. A file
    /// named twice is read once. Nothing is thrown for a bad path; each becomes a problem.
    /// </summary>
    public static UploadFiles Read(IReadOnlyList<string> paths)
    {
        var problems = new List<string>();
        var files = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        foreach (var path in paths)
        {
            if (File.Exists(path))
            {
                Add(path);
            }
            else if (Directory.Exists(path))
            {
                string[] found;
                try
                {
                    found = [.. Directory.EnumerateFiles(path, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
                }
                catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
                {
                    problems.Add($"cannot read folder '{path}': {exception.Message}");
                    continue;
                }

                if (found.Length == 0)
                {
                    problems.Add($"folder '{path}' holds no *.json files");
                }

                foreach (var file in found)
                {
                    Add(file);
                }
            }
            else if (path.StartsWith('-'))
            {
                problems.Add($"unknown option '{path}'");
            }
            else
            {
                problems.Add($"no such file or folder: '{path}'");
            }
        }

        var documents = new List<DtdlDocument>(files.Count);
        foreach (var file in files)
        {
            try
            {
                documents.Add(new DtdlDocument(file, File.ReadAllBytes(file)));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                problems.Add($"cannot read '{file}': {exception.Message}");
            }
        }

        return new UploadFiles(documents, problems);

        void Add(string file)
        {
            if (seen.Add(Path.GetFullPath(file)))
            {
                files.Add(file);
            }
        }
    }
}
